// Fills the BIC from the typed IBAN (the server looks it up in its bank registry) and names the bank.
// Without JavaScript the server fills the BIC on save, so this is a convenience only.
(function () {
  "use strict";
  var form = document.getElementById("bank-account-form");
  if (!form) { return; }
  var iban = form.querySelector("#id_iban");
  var bic = form.querySelector("#id_bic");
  var bankName = form.querySelector("#bank-name");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var lastAsked = "";

  function lookup() {
    var value = iban.value.replace(/\s+/g, "").toUpperCase();
    if (value.length < 15 || value === lastAsked) { return; }
    lastAsked = value;
    var body = new URLSearchParams({ iban: value });
    fetch(form.dataset.bicLookupUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin"
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.valid) { bankName.hidden = true; return; }
        if (data.bic && !bic.value.trim()) { bic.value = data.bic; }
        if (data.bank_name) {
          bankName.textContent = "Banque : " + data.bank_name + (data.bic ? " (BIC " + data.bic + ")" : "");
          bankName.hidden = false;
        }
      }).catch(function () { /* the server fills the BIC on save anyway */ });
  }

  iban.addEventListener("change", lookup);
  iban.addEventListener("blur", lookup);
})();
