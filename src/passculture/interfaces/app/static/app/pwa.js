/* Installable web app: registers the service worker (my bookings open offline once visited) and makes
 * the browser forget those pages when this person logs out. Loaded by base.html, with its URLs as
 * data attributes of this script tag. */
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

  // Logout: forget the kept pages before the form leaves (the worker also does when it sees the POST).
  if (logoutUrl) {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form || form.dataset.forgetDone || new URL(form.action, location.href).pathname !== logoutUrl) {
        return;
      }
      event.preventDefault();
      form.dataset.forgetDone = "1";
      var leave = function () { form.submit(); };
      Promise.race([forgetPages(), new Promise(function (resolve) { setTimeout(resolve, 1500); })]).then(leave, leave);
    });
  }

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
    navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(function () {});
    if (!document.querySelector("[data-offline-page]")) {
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
