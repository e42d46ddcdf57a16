/* Back Relief: small enhancements for the guided session screens.
 *
 * Everything here is optional: without JavaScript every screen still works
 * (Done and Continue are plain forms). With it: the screen stays awake, rests
 * count down by themselves (and can be shortened or stretched), the phone
 * buzzes when a rest ends, a second tap on Done is ignored, and leaving a step
 * by accident asks first. After a skip that hurt, the rest does not move on by
 * itself: the person reads the advice first. A timed hold counts down from a
 * tap (the person gets into position first), one side at a time, and buzzes
 * at zero; it never taps Done: the person does, when they are ready.
 *
 * Guide me (guide.js) swaps the next screen in without reloading the page, so
 * that speech stays allowed; it calls `backRelief.setUpScreen` on each one.
 * The rest countdown tells it the time left with a `backrelief:rest-tick` event.
 */
(function () {
  "use strict";

  if (!document.querySelector("[data-screen]")) return;

  var leavingOnPurpose = false;
  var screenTimer = null;  // the rest's or the hold's countdown: one screen, one clock

  // Seconds left until `endsAt`, by the wall clock: a phone that dozed a moment catches up.
  function secondsUntil(endsAt) { return Math.max(0, Math.ceil((endsAt - Date.now()) / 1000)); }
  function buzz() { if ("vibrate" in navigator) navigator.vibrate(200); }

  // --- Keep the screen awake while a session is on screen ------------------
  var wakeLock = null;
  function keepAwake() {
    if (!("wakeLock" in navigator) || document.visibilityState !== "visible") return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
    }).catch(function () { /* refused (battery saver, no permission): fine */ });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && (!wakeLock || wakeLock.released)) keepAwake();
  });
  keepAwake();

  // --- Ask before leaving a step by accident -------------------------------
  window.addEventListener("beforeunload", function (event) {
    var screen = document.querySelector("[data-screen]");
    if (leavingOnPurpose || !screen || screen.getAttribute("data-screen") !== "step") return;
    event.preventDefault();
    event.returnValue = "";
  });

  function setUpScreen(screen) {
    leavingOnPurpose = false;
    window.clearInterval(screenTimer);

    // --- One tap is enough ----------------------------------------------------
    screen.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.submitted) { event.preventDefault(); return; }
        form.dataset.submitted = "yes";
        leavingOnPurpose = true;
        var button = form.querySelector("button[type=submit]");
        // Disable after the browser has taken the button's value.
        if (button) window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
    screen.querySelectorAll("[data-leave-ok]").forEach(function (link) {
      link.addEventListener("click", function () { leavingOnPurpose = true; });
    });

    // --- A timed hold ---------------------------------------------------------
    var holdTimer = screen.querySelector("[data-hold-timer]");
    if (holdTimer) setUpHold(holdTimer);

    // --- Rest countdown -------------------------------------------------------
    var counter = screen.querySelector("[data-countdown]");
    var restForm = screen.querySelector("[data-rest-form]");
    if (!counter || !restForm) return;

    var endsAt = Date.now() + Number(counter.getAttribute("data-seconds") || 0) * 1000;
    var restButton = restForm.querySelector("[data-rest-button]");
    var adjust = screen.querySelector("[data-rest-adjust]");
    var hold = counter.hasAttribute("data-hold");
    var shown = null;
    if (restButton && !hold) restButton.textContent = "Skip rest";
    if (adjust) adjust.hidden = false;

    function show() {
      var left = secondsUntil(endsAt);
      counter.textContent = String(left);
      if (left === shown) return;
      shown = left;
      document.dispatchEvent(new CustomEvent("backrelief:rest-tick", {
        detail: { secondsLeft: left, hold: hold }
      }));
    }
    function finishRest() {
      buzz();
      if (hold || restForm.dataset.submitted) return;
      if (restForm.requestSubmit) restForm.requestSubmit(); else restForm.submit();
    }
    screen.querySelectorAll("[data-adjust]").forEach(function (button) {
      button.addEventListener("click", function () {
        var change = Number(button.getAttribute("data-adjust")) * 1000;
        endsAt = Math.max(Date.now(), endsAt + change);
        show();
      });
    });
    show();
    screenTimer = window.setInterval(function () {
      show();
      if (secondsUntil(endsAt) === 0) {
        window.clearInterval(screenTimer);
        finishRest();
      }
    }, 250);
  }

  function setUpHold(timer) {
    var left = timer.querySelector("[data-hold-left]");
    var status = timer.querySelector("[data-hold-status]");
    var button = timer.querySelector("[data-hold-start]");
    var seconds = Number(timer.getAttribute("data-seconds")) || 0;
    var sides = Number(timer.getAttribute("data-sides")) || 1;
    var side = 0;
    var holding = false;
    button.hidden = false;

    function finishSide() {
      window.clearInterval(screenTimer);
      holding = false;
      buzz();
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
      if (holding) return;
      holding = true;
      var endsAt = Date.now() + seconds * 1000;
      button.disabled = true;
      status.textContent = sides > 1 ? (side === 0 ? "First side: hold." : "Other side: hold.") : "Hold.";
      screenTimer = window.setInterval(function () {
        var remaining = secondsUntil(endsAt);
        left.textContent = String(remaining);
        if (remaining === 0) finishSide();
      }, 250);
    });
  }

  window.backRelief = window.backRelief || {};
  window.backRelief.setUpScreen = setUpScreen;
  setUpScreen(document.querySelector("[data-screen]"));
})();
