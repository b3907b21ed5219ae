/* Cinema page: the chosen day's chip scrolled into view inside its row (the row scrolls sideways on a
   phone). The chips are plain links: the page works without this file. */
(function () {
  "use strict";
  var list = document.querySelector(".day-chips__list");
  var chosen = list && list.querySelector("[aria-current=true]");
  if (!chosen) { return; }
  function reveal() {
    var row = list.getBoundingClientRect();
    var chip = chosen.getBoundingClientRect();
    if (chip.left < row.left || chip.right > row.right) {
      list.scrollLeft += chip.left - row.left - (row.width - chip.width) / 2;
    }
  }
  reveal();
  // The chips widen once the DSFR font has loaded: check again then.
  window.addEventListener("load", reveal);
})();
