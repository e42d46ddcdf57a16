/* Back Relief: a button that opens the browser's print dialog (where "Save as
 * PDF" lives). Without JavaScript the button stays hidden and the page says
 * how to print from the browser's menu. */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
