// Sign-up helpers (progressive: the form works without them).
// - "Afficher le mot de passe" switches the password field between hidden and visible.
// - Typing a 5-digit postal code asks the server for its towns (offline gazetteer): they become the
//   city field's suggestions, and the only one is filled in.
(function () {
  "use strict";

  document.querySelectorAll("[data-show-password]").forEach(function (box) {
    box.addEventListener("change", function () {
      var input = document.getElementById(box.getAttribute("data-show-password"));
      if (input) input.type = box.checked ? "text" : "password";
    });
  });

  var block = document.getElementById("place-fields");
  if (!block) return;
  var url = block.getAttribute("data-cities-url");
  var postal = document.getElementById("id_postal_code");
  var city = document.getElementById("id_city");
  var list = document.getElementById("city-suggestions");
  var status = document.getElementById("city-suggestions-status");
  var asked = "";

  function show(cities) {
    list.textContent = "";
    cities.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
    if (cities.length === 1 && !city.value) city.value = cities[0];
    status.textContent = cities.length
      ? (cities.length === 1 ? "Ville : " : "Villes possibles : ") + cities.join(", ")
      : "Code postal inconnu : indique ta ville.";
  }

  function lookup() {
    var code = postal.value.replace(/\s/g, "");
    if (!/^[0-9]{5}$/.test(code) || code === asked) return;
    asked = code;
    fetch(url + "?code_postal=" + encodeURIComponent(code), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { cities: [] }; })
      .then(function (body) { if (asked === code) show(body.cities || []); })
      .catch(function () { status.textContent = ""; });
  }

  postal.addEventListener("input", lookup);
  postal.addEventListener("change", lookup);
  lookup();
})();
