/* Map of the cinemas near you (/carte/). The page is a list of cinemas that works without this file;
   this file adds "Autour de moi" (the device's position into the query string) and, when Leaflet and
   the tiles load, a map whose markers are links to each cinema's page. If the tiles cannot load (no
   network, tile server down), the map is taken away and the list stays. */
(function () {
  "use strict";

  // --- "Autour de moi" ---------------------------------------------------------------------------
  var form = document.querySelector("form[data-geolocate]");
  if (form) {
    var button = form.querySelector("#autour-de-moi");
    var status = form.querySelector("#geo-status");
    var place = form.querySelector("#lieu");
    var lat = form.querySelector("input[name=lat]");
    var lon = form.querySelector("input[name=lon]");
    var reasons = {
      1: "Tu n'as pas autorisé la géolocalisation. Indique plutôt ta ville ou ton code postal, ou autorise " +
         "la position pour ce site dans les réglages de ton navigateur.",
      2: "Ta position n'a pas pu être trouvée. Indique ta ville ou ton code postal.",
      3: "La géolocalisation a pris trop de temps. Réessaie, ou indique ta ville ou ton code postal."
    };
    var say = function (text, isError) {
      status.textContent = text;
      status.classList.toggle("fr-error-text", Boolean(isError));
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
          say("Position trouvée : recherche des cinémas autour de toi…");
          form.submit();
        }, function (error) {
          button.disabled = false;
          say(reasons[error.code] || reasons[2], true);
        }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
      });
    }
    // Typing a town replaces the device's position.
    place.addEventListener("input", function () { lat.value = ""; lon.value = ""; });
    // Empty hidden fields stay out of the address bar.
    form.addEventListener("submit", function () {
      [lat, lon].forEach(function (input) { input.disabled = !input.value; });
    });
  }

  // --- The map -----------------------------------------------------------------------------------
  var box = document.getElementById("carte");
  var source = document.getElementById("carte-donnees");
  var mapStatus = document.getElementById("carte-statut");
  var skip = document.querySelector(".map-skip");
  if (!box || !source || !window.L) { return; }
  var data;
  try {
    data = JSON.parse(source.textContent);
  } catch (ignored) {
    return;
  }
  if (!data.tiles || !data.tiles.url || !data.cinemas || !data.cinemas.length) { return; }

  box.hidden = false;
  if (skip) { skip.classList.add("map-skip--shown"); }
  var L = window.L;
  var map = L.map(box, { zoomControl: false, scrollWheelZoom: false, tapHold: false });
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');

  var attribution = document.createElement("a");
  attribution.href = data.tiles.attributionUrl || "";
  attribution.textContent = data.tiles.attribution || "";
  var layer = L.tileLayer(data.tiles.url, {
    maxZoom: 19,
    attribution: data.tiles.attributionUrl ? attribution.outerHTML : escapeText(data.tiles.attribution || ""),
    // The tile server sees this site's origin (its usage policy asks for it), never the page's address:
    // that one holds the person's position.
    referrerPolicy: "strict-origin-when-cross-origin"
  });
  var loaded = 0;
  var givenUp = false;
  layer.on("tileload", function () { loaded += 1; });
  layer.on("tileerror", function () {
    // One tile may fail on a bad connection; none at all means no map: the list is enough.
    if (loaded > 0 || givenUp) { return; }
    givenUp = true;
    box.hidden = true;
    // After Leaflet has finished with this tile: removing the map stops the other tiles' requests.
    window.setTimeout(function () { map.remove(); }, 0);
    if (skip) { skip.classList.remove("map-skip--shown"); }
    mapStatus.textContent = "La carte n'a pas pu se charger. Tous les cinémas sont dans la liste ci-dessous.";
  });
  layer.addTo(map);

  var icon = box.getAttribute("data-marker-icon");
  var icon2x = box.getAttribute("data-marker-icon-2x");
  var bounds = L.latLngBounds([[data.center.lat, data.center.lon]]);
  data.cinemas.forEach(function (cinema) {
    // A real link inside the marker: focusable with Tab, opened with Enter, read with its name.
    var link = document.createElement("a");
    link.href = cinema.url;
    link.className = "map-marker__link";
    var image = document.createElement("img");
    image.src = icon;
    if (icon2x) { image.srcset = icon2x + " 2x"; }
    image.alt = "";
    image.width = 25;
    image.height = 41;
    var label = document.createElement("span");
    label.className = "fr-sr-only";
    label.textContent = cinema.name + ", " + cinema.distance;
    link.appendChild(image);
    link.appendChild(label);
    link.title = cinema.name;
    var marker = L.marker([cinema.lat, cinema.lon], {
      icon: L.divIcon({ className: "map-marker", html: link, iconSize: [25, 41], iconAnchor: [12, 41] }),
      keyboard: false  // the link inside is the focusable element, not the marker's box
    });
    marker.addTo(map);
    bounds.extend([cinema.lat, cinema.lon]);
  });
  L.circleMarker([data.center.lat, data.center.lon], {
    radius: 7, color: "#ffffff", weight: 2, fillColor: "#000091", fillOpacity: 1, interactive: false
  }).addTo(map);
  map.fitBounds(bounds, { padding: [28, 28], maxZoom: 15 });

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }
})();
