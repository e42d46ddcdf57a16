/* Back Relief: "Copy the link" on a new share link's page. Without
 * JavaScript (or a clipboard) the button stays hidden and the link can be
 * selected in its field as usual. */
(function () {
  "use strict";

  var status = document.querySelector("[data-copy-status]");
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () {
          if (status) status.textContent = "Copied. Paste it in a message to your practitioner.";
        },
        function () {
          field.select();
          if (status) status.textContent = "Could not copy: the link is selected, copy it from there.";
        }
      );
    });
  });
})();
