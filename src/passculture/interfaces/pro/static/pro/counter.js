/*
 * The counter's QR scanner: reads the beneficiary's QR code with the device camera and submits the
 * lookup form with the countermark it carries. Typing the code always works without it.
 *
 * The QR payload is PASSCULTURE:v3;TOKEN:<countermark> (the real service's format). Frames are
 * decoded with the vendored jsQR (static/pro/vendor/, pinned, see its README).
 *
 * It also submits the counter's forms (marked data-counter-form) in place: the server answers the whole
 * page, whose regions (code field, result, lists) replace the current ones. The result region is
 * aria-live, so the outcome is announced, and the focus goes where the page's `autofocus` says (the
 * "Valider" button after a lookup, the emptied code field after a validation). Without JavaScript the
 * same forms post normally and `autofocus` does the same.
 */
(function () {
  "use strict";

  var PAYLOAD = /^PASSCULTURE:v3;TOKEN:([A-Za-z0-9]{6})$/;
  var DECODE_EVERY_MS = 120; // jsQR on a full frame is heavy: a few decodes a second are enough.

  var REGIONS = ["counter-field", "counter-result", "counter-lists"];
  var pending = false;

  function focusFromPage() {
    var target = document.querySelector("#counter-main [autofocus]");
    if (!target) {
      return;
    }
    target.focus();
    if (target.id === "id_token" && target.value) {
      target.select(); // the next code typed replaces a refused one
    }
  }

  function swap(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var found = REGIONS.map(function (id) { return next.getElementById(id); });
    if (found.some(function (region) { return !region; })) {
      return false;
    }
    REGIONS.forEach(function (id, index) {
      document.getElementById(id).innerHTML = found[index].innerHTML;
    });
    say("");
    focusFromPage();
    return true;
  }

  function submitInPlace(event) {
    var target = event.target;
    if (event.defaultPrevented || !target.matches || !target.matches("form[data-counter-form]")) {
      return;
    }
    event.preventDefault();
    if (pending) {
      return; // a second Enter while the first answer is on its way
    }
    var submitter = event.submitter;
    var action = (submitter && submitter.hasAttribute("formaction")) ? submitter.formAction : target.action;
    var body = new FormData(target);
    if (submitter && submitter.name) {
      body.append(submitter.name, submitter.value);
    }
    pending = true;
    window.fetch(action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          if (swap(html)) {
            return;
          }
          if (response.redirected) {
            window.location.assign(response.url); // signed out meanwhile: the login page
          } else {
            say("Le serveur n'a pas pu répondre : réessayez dans un instant.", "error");
          }
        });
      })
      .catch(function () {
        say("La connexion au serveur a échoué : vérifiez le réseau, puis réessayez.", "error");
      })
      .then(function () {
        pending = false;
      });
  }

  var form = document.getElementById("counter-form");
  var status = document.getElementById("scan-status");
  if (form && window.fetch && window.DOMParser) {
    document.addEventListener("submit", submitInPlace);
  }
  var startButton = document.getElementById("scan-start");
  var stopButton = document.getElementById("scan-stop");
  var scanner = document.getElementById("scanner");
  var video = document.getElementById("scan-video");
  if (!form || !startButton || !video) {
    return;
  }

  var stream = null;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var lastDecode = 0;
  var warnedForeignCode = false;

  function say(message, kind) {
    status.innerHTML = "";
    if (!message) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "fr-alert fr-alert--sm fr-alert--" + (kind || "info");
    var text = document.createElement("p");
    text.textContent = message;
    alert.appendChild(text);
    status.appendChild(alert);
  }

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    video.srcObject = null;
    scanner.hidden = true;
    startButton.hidden = false;
  }

  function found(token) {
    stop();
    say("QR code lu : contremarque " + token.toUpperCase() + ". Recherche de la réservation…", "success");
    document.getElementById("id_token").value = token.toUpperCase();
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function tick(now) {
    if (!stream) {
      return;
    }
    if (now - lastDecode >= DECODE_EVERY_MS && video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
      lastDecode = now;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        var match = PAYLOAD.exec(code.data.trim());
        if (match) {
          found(match[1]);
          return;
        }
        if (!warnedForeignCode) {
          warnedForeignCode = true;
          say("Ce QR code n'est pas une contremarque pass Culture. Présentez le QR code de la réservation.", "warning");
        }
      }
    }
    window.requestAnimationFrame(tick);
  }

  function explain(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      return "L'accès à la caméra a été refusé. Autorisez la caméra pour ce site dans le navigateur, ou saisissez la contremarque.";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") {
      return "Aucune caméra n'a été trouvée sur cet appareil. Saisissez la contremarque.";
    }
    if (name === "NotReadableError" || name === "TrackStartError") {
      return "La caméra est déjà utilisée par une autre application. Fermez-la, ou saisissez la contremarque.";
    }
    return "La caméra n'a pas pu être ouverte. Saisissez la contremarque.";
  }

  function start() {
    // Browsers give the camera only to secure pages: HTTPS, or localhost / 127.0.0.1 in development.
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say("La caméra n'est disponible que sur une connexion sécurisée (HTTPS) ou en local (localhost). Saisissez la contremarque.", "error");
      return;
    }
    if (typeof window.jsQR !== "function") {
      say("Le lecteur de QR code n'a pas pu être chargé. Saisissez la contremarque.", "error");
      return;
    }
    warnedForeignCode = false;
    say("Ouverture de la caméra… Présentez le QR code de la réservation.", "info");
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (mediaStream) {
        stream = mediaStream;
        video.srcObject = mediaStream;
        scanner.hidden = false;
        startButton.hidden = true;
        return video.play();
      })
      .then(function () {
        say("Caméra ouverte : présentez le QR code de la réservation.", "info");
        window.requestAnimationFrame(tick);
      })
      .catch(function (error) {
        stop();
        say(explain(error), "error");
      });
  }

  focusFromPage();
  startButton.hidden = false;
  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", function () {
    stop();
    say("");
    document.getElementById("id_token").focus();
  });
  window.addEventListener("pagehide", stop);
})();
