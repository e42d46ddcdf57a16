/* Back Relief: small enhancements for the guided session screens.
 *
 * Everything here is optional: without JavaScript every screen still works
 * (Done and Continue are plain forms). With it: the screen stays awake, rests
 * count down by themselves (and can be shortened or stretched), the phone
 * buzzes when a rest ends, a second tap on Done is ignored, and leaving a step
 * by accident asks first. After a skip that hurt, the rest does not move on by
 * itself: the person reads the advice first.
 *
 * Guide me (guide.js) swaps the next screen in without reloading the page, so
 * that speech stays allowed; it calls `backRelief.setUpScreen` on each one.
 * The rest countdown tells it the time left with a `backrelief:rest-tick` event.
 */
(function () {
  "use strict";

  if (!document.querySelector("[data-screen]")) return;

  var leavingOnPurpose = false;
  var restTimer = null;

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
    window.clearInterval(restTimer);

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

    function secondsLeft() { return Math.max(0, Math.ceil((endsAt - Date.now()) / 1000)); }
    function show() {
      var left = secondsLeft();
      counter.textContent = String(left);
      if (left === shown) return;
      shown = left;
      document.dispatchEvent(new CustomEvent("backrelief:rest-tick", {
        detail: { secondsLeft: left, hold: hold }
      }));
    }
    function finishRest() {
      if ("vibrate" in navigator) navigator.vibrate(200);
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
    restTimer = window.setInterval(function () {
      show();
      if (secondsLeft() === 0) {
        window.clearInterval(restTimer);
        finishRest();
      }
    }, 250);
  }

  window.backRelief = window.backRelief || {};
  window.backRelief.setUpScreen = setUpScreen;
  setUpScreen(document.querySelector("[data-screen]"));
})();
