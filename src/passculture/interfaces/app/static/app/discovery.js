/* Discovery page: "Autour de moi" (the device's position into the query string) and town suggestions.
   The page works without this file: the typed town or postal code is enough. */
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  if (!form) { return; }
  var place = form.querySelector("#lieu");
  var lat = form.querySelector("input[name=lat]");
  var lon = form.querySelector("input[name=lon]");
  var button = form.querySelector("#autour-de-moi");
  var status = form.querySelector("#geo-status");
  var list = form.querySelector("#lieux");

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("fr-error-text", Boolean(isError));
  }

  var reasons = {
    1: "Tu n'as pas autorisé la géolocalisation. Saisis plutôt une ville ou un code postal, " +
       "ou autorise la position pour ce site dans les réglages de ton navigateur (la géolocalisation " +
       "ne fonctionne que sur une adresse sécurisée, https).",
    2: "Ta position n'a pas pu être déterminée. Saisis une ville ou un code postal.",
    3: "La géolocalisation a pris trop de temps. Réessaie, ou saisis une ville ou un code postal."
  };

  if (button && "geolocation" in navigator) {
    button.hidden = false;
    button.addEventListener("click", function () {
      say("Recherche de ta position…");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lon.value = position.coords.longitude.toFixed(5);
        place.value = "";  // a typed town would win over the position
        say("Position trouvée : recherche des séances autour de toi…");
        form.submit();
      }, function (error) {
        button.disabled = false;
        say(reasons[error.code] || reasons[2], true);
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
    });
  }

  // Typing a town replaces the device's position.
  place.addEventListener("input", function () {
    lat.value = "";
    lon.value = "";
    suggest(place.value);
  });

  // Empty hidden fields stay out of the address bar.
  form.addEventListener("submit", function () {
    [lat, lon].forEach(function (input) { input.disabled = !input.value; });
  });

  // The calendar only matters with "Choisir un jour".
  var when = form.querySelector("#quand");
  var dayField = form.querySelector("#champ-jour");
  function toggleDay() { dayField.hidden = when.value !== "day"; }
  if (when && dayField) {
    when.addEventListener("change", function () {
      toggleDay();
      if (!dayField.hidden) { form.querySelector("#jour").focus(); }
    });
    toggleDay();
  }

  var timer = null;
  var url = form.getAttribute("data-places-url");
  function suggest(text) {
    window.clearTimeout(timer);
    text = text.trim();
    if (!url || text.length < 2 || !window.fetch) { return; }
    timer = window.setTimeout(function () {
      fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (places) {
          list.textContent = "";
          places.forEach(function (found) {
            var option = document.createElement("option");
            option.value = found.label;
            list.appendChild(option);
          });
        })
        .catch(function () { /* suggestions are a comfort: typing still works */ });
    }, 250);
  }
})();
