/* Back Relief: suggest this device's time zone on the settings form.
 *
 * Only when the user has not chosen one yet (the select carries
 * data-browser-time-zone): the browser's zone is selected, and saying so,
 * for the user to save. Without JavaScript the form works as it is (UTC
 * until a zone is chosen).
 */
(function () {
  "use strict";

  var select = document.querySelector("select[data-browser-time-zone]");
  if (!select || select.value) return;
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;
  var known = Array.prototype.some.call(select.options, function (option) {
    return option.value === zone;
  });
  if (!known) return;
  select.value = zone;
  var hint = document.querySelector("[data-time-zone-hint]");
  if (hint) hint.textContent = "Filled in from this device: " + zone + ". Save to keep it.";
})();
