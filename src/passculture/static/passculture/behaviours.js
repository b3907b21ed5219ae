/*
 * Small behaviours declared in the pages' markup with data- attributes, for the pro portal and the back
 * office. The Content-Security-Policy refuses inline code (onclick=, onsubmit=, <script> without a
 * nonce), so pages say what they want and this file does it:
 *
 * - <form data-confirm="Question ?">: asks before submitting; "Annuler" keeps the page as it is.
 * - <input data-select-on-focus>: selects its whole value when focused (a key to copy).
 * - <button data-copy-from="input-id" data-copied-label="Copiée">: copies that field's value.
 * - <button data-print hidden>: shown when scripts run; opens the browser's print dialog.
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-select-on-focus]")) {
      field.select();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-from]");
    if (!button) {
      return;
    }
    var field = document.getElementById(button.getAttribute("data-copy-from"));
    if (!field || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = button.getAttribute("data-copied-label") || button.textContent;
    }).catch(function () {
      // Clipboard refused (no permission): the field stays selectable by hand.
      field.focus();
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      window.print();
    }
  });
})();
