/*
 * <input type="file" data-image-preview="img-id">: shows the chosen picture in <img id="img-id"> (and
 * unhides its closest <figure>) before it is sent, so that the pro sees what they picked. The server
 * checks and frames the image once sent; this is only a look. Read as a data: URL (the CSP allows
 * data: images, not blob:).
 */
(function () {
  "use strict";

  var MAX_BYTES = 10 * 1024 * 1024;

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-image-preview]")) {
      return;
    }
    var img = document.getElementById(input.getAttribute("data-image-preview"));
    var file = input.files && input.files[0];
    if (!img) {
      return;
    }
    var figure = img.closest("figure") || img;
    if (!file || !/^image\/(jpeg|png|webp)$/.test(file.type) || file.size > MAX_BYTES) {
      figure.hidden = true;
      img.removeAttribute("src");
      return;
    }
    var reader = new FileReader();
    reader.addEventListener("load", function () {
      img.src = reader.result;
      figure.hidden = false;
    });
    reader.readAsDataURL(file);
  });
})();
