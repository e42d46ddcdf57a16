/* Back Relief: a timed hold counts down on the step screen.
 *
 * Optional like the rest: without JavaScript the screen says how many
 * seconds to hold and Done still works. With it, a tap starts the count
 * (the person gets into position first), the phone buzzes at zero, and an
 * exercise held on each side counts the other side on a second tap. It
 * never taps Done: the person does, when they are ready.
 */
(function () {
  "use strict";

  var timer = document.querySelector("[data-hold-timer]");
  if (!timer) return;
  var left = timer.querySelector("[data-hold-left]");
  var status = timer.querySelector("[data-hold-status]");
  var button = timer.querySelector("[data-hold-start]");
  var seconds = Number(timer.getAttribute("data-seconds")) || 0;
  var sides = Number(timer.getAttribute("data-sides")) || 1;
  var side = 0;
  var ticking = null;

  button.hidden = false;

  function finishSide() {
    window.clearInterval(ticking);
    ticking = null;
    if ("vibrate" in navigator) navigator.vibrate(200);
    side += 1;
    if (side < sides) {
      status.textContent = "First side done. Change sides, then start the other side.";
      button.textContent = "Start the hold: other side";
      button.disabled = false;
      left.textContent = String(seconds);
    } else {
      status.textContent = "Hold done. Tap Done when you are ready.";
      button.hidden = true;
    }
  }

  button.addEventListener("click", function () {
    if (ticking) return;
    var endsAt = Date.now() + seconds * 1000;
    button.disabled = true;
    status.textContent = sides > 1 ? (side === 0 ? "First side: hold." : "Other side: hold.") : "Hold.";
    ticking = window.setInterval(function () {
      var remaining = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      left.textContent = String(remaining);
      if (remaining === 0) finishSide();
    }, 250);
  });
})();
