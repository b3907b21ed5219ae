/* Home feed and search page: "Autour de moi" (the device's position into the query string) and town
   suggestions. The pages work without this file: a typed town or postal code is enough. */
(function () {
  "use strict";
  var status = document.getElementById("geo-status");

  function say(text, isError) {
    if (!status) { return; }
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

  // Each "Autour de moi" button fills the lat/lon of its form (emptying the typed place) and sends it.
  Array.prototype.forEach.call(document.querySelectorAll("[data-geo-button]"), function (button) {
    var form = button.closest("form");
    if (!form || !("geolocation" in navigator)) { return; }
    form.hidden = false;
    button.hidden = false;
    button.addEventListener("click", function () {
      say("Recherche de ta position…");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("input[name=lat]").value = position.coords.latitude.toFixed(5);
        form.querySelector("input[name=lon]").value = position.coords.longitude.toFixed(5);
        var place = form.querySelector("input[name=lieu]");
        if (place) { place.value = ""; }  // a typed town would win over the position
        say("Position trouvée : recherche des films autour de toi…");
        form.submit();
      }, function (error) {
        button.disabled = false;
        say(reasons[error.code] || reasons[2], true);
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
    });
  });

  // Search: typing a town replaces the device's position; empty fields stay out of the address bar.
  var form = document.querySelector(".app-search-form");
  if (!form) { return; }
  var place = form.querySelector("#lieu");
  var lat = form.querySelector("input[name=lat]");
  var lon = form.querySelector("input[name=lon]");
  var list = form.querySelector("#lieux");
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.querySelectorAll("input"), function (input) {
      input.disabled = !input.value;
    });
  });
  var timer = null;
  var url = form.getAttribute("data-places-url");
  place.addEventListener("input", function () {
    lat.value = "";
    lon.value = "";
    window.clearTimeout(timer);
    var text = place.value.trim();
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
  });
})();
