/* pass Culture cinéma: service worker (served at /sw.js so that its scope is the whole site).
 *
 * - The home page, my credit, film pages and my bookings (the list and each booking) are network-first:
 *   always fresh when online, the last copy when offline, so that the QR codes open at the cinema's door
 *   without a connection. A kept copy served offline is marked (`data-offline-copy` on <html>, the date
 *   it was kept) and pwa.js shows the "hors connexion" banner over it.
 * - Posters (images under /media/) seen online are kept in a small bounded cache; one never seen is
 *   replaced offline by a plain tile, never a broken image.
 * - Static assets are cache-first in a cache named after their content hash: a deploy that changes
 *   them changes the name, and the old cache is dropped on activation.
 * - Web push (decision 0032): a push message (JSON: title, body, url, tag) is shown as a notification;
 *   touching it opens (or focuses) that page of the app. Only paths of this site are opened.
 * - Only GET responses of this site are kept, never a redirect (to the login page) nor an error; the
 *   pages are forgotten on logout and on login, so that the next person on this device sees nothing
 *   of the previous one's.
 */
const CONFIG = {{ config|safe }};
const STATIC_CACHE = "pc-static-" + CONFIG.version;
const PAGES_CACHE = "pc-pages";
const MEDIA_CACHE = "pc-media";
const PAGE_PATTERN = new RegExp(CONFIG.pagePattern);
// Pages whose query only narrows them (a film's showtimes near a place): one copy, under the bare path.
const NORMALISED_PATTERN = new RegExp(CONFIG.normalisedPattern);
// Posters are small (renditions of a few KB): enough for the pages kept, bounded all the same.
const MEDIA_LIMIT = 120;
const KEPT_AT = "X-Kept-At";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      // Straight from the server, not from the HTTP cache: the files of this version, not older ones.
      .then((cache) => cache.addAll(CONFIG.precache.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("pc-static-") && name !== STATIC_CACHE)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

// Counts the times the pages were forgotten. A copy is kept only if none happened since its request
// left: a page of the session that just ended, still on its way, must not come back after the forget.
let session = 0;

function forgetPages() {
  session += 1;
  // The posters too: they tell what the previous person looked at.
  return Promise.all([caches.delete(PAGES_CACHE), caches.delete(MEDIA_CACHE)]);
}

// The cache to keep a copy in, or null when the pages were forgotten since `since`. Opened in the same
// turn as the check: a forget after it deletes this very cache, so the copy is never seen again.
function cacheOfSession(name, since) {
  return since === session ? caches.open(name) : Promise.resolve(null);
}

function isCacheablePage(url) {
  if (url.origin !== self.location.origin) {
    return false;
  }
  return (PAGE_PATTERN.test(url.pathname) && !url.search) || NORMALISED_PATTERN.test(url.pathname);
}

// The key of a page's copy: its path alone (the query of a normalised page dropped).
function pageKey(url) {
  const parsed = new URL(url, self.location.origin);
  return parsed.origin + parsed.pathname;
}

function isKeepable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

// A network that answers nothing (a cinema's basement) must not hide the kept QR codes for long.
const NETWORK_TIMEOUT_MS = 5000;

function keptPage(url) {
  return caches.match(pageKey(url), { cacheName: PAGES_CACHE, ignoreVary: true });
}

// The copy, with the date it was kept (for the banner), and its own headers (its CSP matches its nonces).
async function keepPage(url, response, since) {
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT, new Date().toISOString());
  const body = await response.clone().blob();
  const copy = new Response(body, { status: response.status, statusText: response.statusText, headers });
  const cache = await cacheOfSession(PAGES_CACHE, since);
  if (cache) {
    await cache.put(pageKey(url), copy);
  }
}

// The kept copy as served offline: <html> says it is a copy, and of when.
async function markedCopy(kept) {
  const keptAt = (kept.headers.get(KEPT_AT) || "").replace(/[^0-9TZ:.+-]/g, "");
  const html = (await kept.text()).replace(/<html\b/i, '<html data-offline-copy="' + (keptAt || "inconnue") + '"');
  const headers = new Headers(kept.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: 200, headers });
}

async function fetchAndKeep(request) {
  const since = session;
  const response = await fetch(request);
  if (isKeepable(response)) {
    await keepPage(request.url, response, since);
  } else if (response.type === "opaqueredirect" || response.redirected || response.status === 403) {
    // Sent to the login page (a navigation gets the redirect itself, opaque): this session is over,
    // its pages must not outlive it.
    await forgetPages();
  }
  return response;
}

async function networkFirst(request, event) {
  const network = fetchAndKeep(request);
  if (event) {
    // Even when the kept copy is shown first, the fresh one still replaces it once it arrives.
    event.waitUntil(network.catch(() => null));
  }
  const kept = await keptPage(request.url);
  if (!kept) {
    return network.catch(() => offlinePage(request.mode === "navigate" ? request.url : ""));
  }
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), NETWORK_TIMEOUT_MS));
  try {
    const response = await Promise.race([network, timeout]);
    // A server error (the site down behind its proxy) shows the kept copy too.
    return response && response.status < 500 ? response : markedCopy(kept);
  } catch (error) {
    return markedCopy(kept);
  }
}

// A neutral tile the size of nothing in particular: the poster's box (CSS aspect-ratio) keeps its shape.
function blankPoster() {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="3" viewBox="0 0 2 3">' +
    '<rect width="2" height="3" fill="#eeeeee"/></svg>';
  return new Response(svg, { status: 200, headers: { "Content-Type": "image/svg+xml" } });
}

async function posterImage(request) {
  try {
    const since = session;
    const response = await fetch(request);
    const cache = isKeepable(response) ? await cacheOfSession(MEDIA_CACHE, since) : null;
    if (cache) {
      await cache.put(request, response.clone());
      const keys = await cache.keys();
      // Oldest first: keys come in the order they were put.
      await Promise.all(keys.slice(0, Math.max(0, keys.length - MEDIA_LIMIT)).map((key) => cache.delete(key)));
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request, { cacheName: MEDIA_CACHE });
    return kept || blankPoster();
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: STATIC_CACHE });
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (isKeepable(response)) {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

// A page never opened here: says so, offers to try again, and leads to the pages kept on this device.
async function offlinePage(url) {
  const ways = [];
  for (const [href, label] of CONFIG.offlineLinks) {
    if (await keptPage(href)) {
      ways.push('<li><a href="' + href + '">' + label + "</a></li>");
    }
  }
  const retry = url ? '<p><a class="fr-btn" href="' + encodeURI(url) + '">Réessayer</a></p>' : "";
  const list = ways.length
    ? "<h2 class=\"fr-h5\">Enregistré sur cet appareil</h2><ul>" + ways.join("") + "</ul>"
    : "";
  const html = '<!doctype html><html lang="fr"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Hors connexion · pass Culture cinéma</title>' +
    CONFIG.stylesheets.map((href) => '<link rel="stylesheet" href="' + href + '">').join("") +
    '</head><body class="app"><header role="banner" class="app-header"><div class="fr-container app-header__inner">' +
    '<a class="app-brand" href="/">pass Culture <span>cinéma</span></a></div></header>' +
    '<main id="contenu" class="fr-container app-main">' +
    "<h1>Tu es hors connexion</h1><p>Cette page n'a pas encore été ouverte sur cet appareil : " +
    "reconnecte-toi à Internet pour l'afficher.</p>" + retry + list + "</main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== "GET") {
    // Never cached. Logging out or in (another person, maybe) forgets the pages kept so far.
    if (request.method === "POST" && CONFIG.forgetOn.includes(url.pathname)) {
      event.waitUntil(forgetPages());
    }
    return;
  }
  if (CONFIG.staticPrefixes.some((prefix) => url.pathname.startsWith(prefix))) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.startsWith(CONFIG.mediaUrl) && request.destination === "image") {
    event.respondWith(posterImage(request));
  } else if (isCacheablePage(url)) {
    event.respondWith(networkFirst(request, event));
  } else if (request.mode === "navigate" && !CONFIG.outside.some((prefix) => url.pathname.startsWith(prefix))) {
    // Another page of the app: the network only, and a page saying so when offline.
    event.respondWith(fetch(request).catch(() => offlinePage(request.url)));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (message) => event.source && event.source.postMessage(message);
  if (data.type === "forget-pages") {
    event.waitUntil(forgetPages().then(() => reply({ type: "pages-forgotten" })));
  } else if (data.type === "keep-page") {
    // A page of my bookings is open. Loaded before this worker took control (`refresh`), it went
    // straight to the network: fetch it again to keep a copy. Otherwise networkFirst kept it already.
    const url = new URL(data.url, self.location.origin);
    if (!isCacheablePage(url)) {
      return;
    }
    const cached = () => keptPage(url.href);
    const fetchAgain = () => fetchAndKeep(new Request(url.href, { credentials: "same-origin" })).catch(() => null);
    event.waitUntil(
      (data.refresh ? fetchAgain() : cached().then((kept) => kept || fetchAgain()))
        .then(cached)
        .then((kept) => reply({ type: kept ? "page-kept" : "page-not-kept", url: url.pathname }))
    );
  }
});

// The server's payload is trusted for its text only: the page it opens is always a path of this site.
function notificationTarget(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "/";
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const options = {
    body: typeof data.body === "string" ? data.body : "",
    icon: CONFIG.notificationIcon,
    lang: "fr",
    data: { url: notificationTarget(data.url) },
  };
  if (typeof data.tag === "string" && data.tag) {
    // A newer message about the same booking replaces the older one.
    options.tag = data.tag;
    options.renotify = true;
  }
  const title = typeof data.title === "string" && data.title ? data.title : "pass Culture cinéma";
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(notificationTarget((event.notification.data || {}).url), self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === target && "focus" in client);
      return open ? open.focus() : self.clients.openWindow(target);
    })
  );
});
