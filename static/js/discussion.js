/* The discussion agenda's print button. Without JavaScript the button stays hidden and the
 * browser's own Print command gives the same page (see the print rules of discussion.css). */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
