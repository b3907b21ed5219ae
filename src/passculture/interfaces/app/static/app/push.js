/* Notifications on this device (web push, decision 0032), for the partial app/accounts/_push_toggle.html.
 * The button turns them on or off; nothing happens on its own (RGAA 7.5). Turning on asks the browser's
 * permission, subscribes with the server's VAPID key and sends the subscription to the server; turning
 * off unsubscribes the browser and tells the server. Without the Push API, or with notifications blocked,
 * the text says so and what to do. */
(function () {
  "use strict";
  var box = document.getElementById("push-toggle");
  var form = document.getElementById("push-form");
  var button = document.getElementById("push-button");
  var status = document.getElementById("push-status");
  if (!box || !form || !button || !status) {
    return;
  }
  var key = box.dataset.pushKey;
  var BLOCKED = "Tu as bloqué les notifications pour ce site. Pour les recevoir, autorise-les dans les réglages de ton navigateur, puis recharge la page.";
  var subscribed = false;
  // The re-registration sent at load: a click waits for it, so that the server sees them in order.
  var pending = Promise.resolve();

  function say(text) {
    status.textContent = text;
  }

  // Our own messages, in French, as opposed to the browser's errors (in English, for developers).
  function refusal(text) {
    var error = new Error(text);
    error.french = true;
    return error;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("Ce navigateur ne peut pas recevoir de notifications. Sur iPhone, ajoute d'abord l'application à ton écran d'accueil (Partager, puis « Sur l'écran d'accueil ») et ouvre-la depuis là.");
    return;
  }
  if (Notification.permission === "denied") {
    say(BLOCKED);
    return;
  }

  function keyBytes(text) {
    var base64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  function sameKey(subscription) {
    var used = subscription.options && subscription.options.applicationServerKey;
    if (!used) {
      return true;
    }
    var mine = keyBytes(key);
    var theirs = new Uint8Array(used);
    return mine.length === theirs.length && mine.every(function (value, i) { return value === theirs[i]; });
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": form.elements.csrfmiddlewaretoken.value
      },
      body: JSON.stringify(data)
    }).then(function (response) {
      // 404 on removal: the server had already forgotten this device, which is what was asked.
      if (response.ok || (response.status === 404 && url === box.dataset.unsubscribeUrl)) {
        return response;
      }
      return response.json().catch(function () { return {}; }).then(function (body) {
        throw refusal(body.message || "Le serveur n'a pas répondu : réessaie dans un instant.");
      });
    }, function () {
      throw refusal("Pas de connexion : réessaie une fois connecté à Internet.");
    });
  }

  function render() {
    form.hidden = false;
    button.textContent = subscribed ? "Désactiver sur cet appareil" : "Activer sur cet appareil";
    say(subscribed ? "Les notifications sont activées sur cet appareil." : "Les notifications sont désactivées sur cet appareil.");
  }

  function turnOn() {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw refusal(permission === "denied" ? BLOCKED : "Tu n'as pas encore autorisé les notifications : appuie de nouveau sur le bouton et choisis « Autoriser ».");
      }
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
    }).then(function (subscription) {
      return post(box.dataset.subscribeUrl, subscription.toJSON()).catch(function (error) {
        // The server did not keep it: the browser must not believe it is on.
        return subscription.unsubscribe().then(function () { throw error; });
      });
    }).then(function () {
      subscribed = true;
    });
  }

  function turnOff() {
    return navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) {
        return null;
      }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(box.dataset.unsubscribeUrl, { endpoint: endpoint });
      });
    }).then(function () {
      subscribed = false;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    say(subscribed ? "Désactivation…" : "Activation…");
    pending.then(function () {
      return subscribed ? turnOff() : turnOn();
    }).then(render, function (error) {
      render();
      if (Notification.permission === "denied") {
        // The button can do nothing more: only the browser's settings can.
        form.hidden = true;
      }
      say(error && error.french ? error.message : "Ça n'a pas marché sur cet appareil : réessaie plus tard.");
    }).then(function () {
      button.disabled = false;
    });
  });

  say("Vérification…");
  var known = false;
  // `ready` waits for the service worker pwa.js registers: one that never comes must not leave this hanging.
  setTimeout(function () {
    if (!known) {
      say("Les notifications ne sont pas disponibles dans ce navigateur pour le moment.");
    }
  }, 10000);
  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) {
    if (subscription && !sameKey(subscription)) {
      // Made with a former server key: useless now, the button subscribes again.
      return subscription.unsubscribe().then(function () { return null; });
    }
    return subscription;
  }).then(function (subscription) {
    known = true;
    subscribed = Boolean(subscription);
    render();
    if (subscription) {
      // The server may have dropped it (the push service said it was gone): this browser still has it.
      pending = post(box.dataset.subscribeUrl, subscription.toJSON()).catch(function () {});
    }
  }, function () {
    known = true;
    say("Les notifications ne sont pas disponibles dans ce navigateur pour le moment.");
  });
})();
