/* Installable web app: registers the service worker (home, credit, film pages and my bookings open
 * offline once visited), shows the "hors connexion" banner over a kept copy (the worker marks it with
 * `data-offline-copy` on <html>) or when the connection drops, and makes the browser forget the kept
 * pages when this person logs out. Loaded by base.html, with its URLs as data attributes of this script
 * tag. The banner is built with the DOM (the CSP refuses inline code). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) {
    return;
  }
  var workerUrl = script.dataset.serviceWorker;
  var logoutUrl = script.dataset.logout;
  var controlledAtLoad = Boolean(navigator.serviceWorker.controller);

  function forgetPages() {
    // From the page itself too: the worker may not control this tab yet.
    if (!("caches" in window)) {
      return Promise.resolve();
    }
    return caches.delete("pc-pages").catch(function () {});
  }

  function forgetPush() {
    // The next person on this device must not get this one's notifications: the push service then
    // answers 410 for this subscription and the server deletes it.
    return navigator.serviceWorker.getRegistration().then(function (registration) {
      return registration && registration.pushManager ? registration.pushManager.getSubscription() : null;
    }).then(function (subscription) {
      return subscription ? subscription.unsubscribe() : null;
    }).catch(function () {});
  }

  // Logout: forget the kept pages before the form leaves (the worker also does when it sees the POST),
  // and this device's notifications.
  if (logoutUrl) {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form || form.dataset.forgetDone || new URL(form.action, location.href).pathname !== logoutUrl) {
        return;
      }
      event.preventDefault();
      form.dataset.forgetDone = "1";
      var leave = function () { form.submit(); };
      Promise.race([Promise.all([forgetPages(), forgetPush()]), new Promise(function (resolve) { setTimeout(resolve, 1500); })]).then(leave, leave);
    });
  }

  var MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre"];

  function keptOn(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) {
      return "";
    }
    var minutes = String(date.getMinutes()).padStart(2, "0");
    return ", du " + date.getDate() + " " + MONTHS[date.getMonth()] + " à " + date.getHours() + " h " + minutes;
  }

  function bannerText() {
    var copy = document.documentElement.dataset.offlineCopy;
    if (copy && !navigator.onLine) {
      return "Cette page est la dernière copie enregistrée sur cet appareil" + keptOn(copy) + ".";
    }
    if (copy) {
      return "La connexion est revenue : cette page est la copie enregistrée" + keptOn(copy) + ". Recharge-la pour la voir à jour.";
    }
    return "Cette page peut ne plus être à jour. Tes billets enregistrés sur cet appareil s'ouvrent sans connexion.";
  }

  function showBanner() {
    var copy = document.documentElement.dataset.offlineCopy;
    var banner = document.getElementById("app-offline-banner");
    if (!copy && navigator.onLine) {
      if (banner) {
        banner.remove();
      }
      return;
    }
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "app-offline-banner";
      banner.className = "fr-alert fr-alert--warning fr-alert--sm app-offline-banner";
      banner.setAttribute("role", "status");
      var title = document.createElement("p");
      title.className = "fr-alert__title";
      banner.appendChild(title);
      banner.appendChild(document.createElement("p"));
      var main = document.getElementById("contenu") || document.body;
      main.insertBefore(banner, main.firstChild);
    }
    banner.querySelector(".fr-alert__title").textContent = navigator.onLine ? "Connexion revenue" : "Tu es hors connexion";
    banner.lastChild.textContent = bannerText();
  }

  showBanner();
  // Offline, a form (cancel a booking, book) would only reach the browser's own error page: say why here.
  document.addEventListener("submit", function (event) {
    if (navigator.onLine) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    showBanner();
    var banner = document.getElementById("app-offline-banner");
    banner.setAttribute("role", "alert");
    banner.lastChild.textContent = "Cette action demande une connexion : reconnecte-toi à Internet, puis réessaie.";
    banner.scrollIntoView({ block: "center" });
  }, true);
  window.addEventListener("offline", showBanner);
  window.addEventListener("online", showBanner);

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "page-kept" && data.url === location.pathname) {
      // The tests and the page's note wait for this: the page now opens offline.
      document.documentElement.dataset.offlineReady = "1";
      var note = document.querySelector("[data-offline-note]");
      if (note) {
        note.hidden = false;
      }
    }
  });

  navigator.serviceWorker.startMessages();

  window.addEventListener("load", function () {
    var register = function () {
      navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(function () {});
    };
    // Offline, the browser could not fetch the worker (and says so in the console): wait for the network.
    if (navigator.onLine) {
      register();
    } else {
      window.addEventListener("online", register, { once: true });
    }
    // A kept copy is not fetched again from here: the worker refreshes it when the network answers.
    if (document.documentElement.dataset.offlineCopy) {
      return;
    }
    navigator.serviceWorker.ready.then(function (registration) {
      var worker = navigator.serviceWorker.controller || registration.active;
      if (worker) {
        worker.postMessage({ type: "keep-page", url: location.pathname, refresh: !controlledAtLoad });
        // The list names the pages it leads to that must open offline too (the tickets to come).
        var also = document.querySelector("[data-offline-also]");
        (also ? also.dataset.offlineAlso.split(" ") : []).forEach(function (url) {
          if (url) {
            worker.postMessage({ type: "keep-page", url: url, refresh: !controlledAtLoad });
          }
        });
      }
    });
  });
})();
