/* Back Relief: small enhancements for the guided session screens.
 *
 * Everything here is optional: without JavaScript every screen still works
 * (Done and Continue are plain forms). With it: the screen stays awake, cues
 * can be spoken, rests count down by themselves (and can be shortened or
 * stretched), the phone buzzes when a rest ends, a second tap on Done is
 * ignored, and leaving a step by accident asks first. After a skip that hurt,
 * the rest does not move on by itself: the person reads the advice first.
 */
(function () {
  "use strict";

  var screen = document.querySelector("[data-screen]");
  if (!screen) return;

  var leavingOnPurpose = false;

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

  // --- Spoken cues, off unless the person turns them on ---------------------
  var SPEECH_KEY = "backrelief.spokenCues";
  var toggle = document.querySelector("[data-speech-toggle]");
  function speechOn() {
    try { return window.localStorage.getItem(SPEECH_KEY) === "on"; } catch (e) { return false; }
  }
  function speak(text) {
    if (!text || !("speechSynthesis" in window) || !speechOn()) return;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }
  function showToggle() {
    var on = speechOn();
    toggle.textContent = "Spoken cues: " + (on ? "on" : "off");
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
  }
  if (toggle && "speechSynthesis" in window) {
    toggle.hidden = false;
    showToggle();
    toggle.addEventListener("click", function () {
      try { window.localStorage.setItem(SPEECH_KEY, speechOn() ? "off" : "on"); } catch (e) { return; }
      showToggle();
      if (speechOn()) speak(screen.getAttribute("data-speak"));
      else window.speechSynthesis.cancel();
    });
  }
  speak(screen.getAttribute("data-speak"));

  // --- One tap is enough ------------------------------------------------------
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) { event.preventDefault(); return; }
      form.dataset.submitted = "yes";
      leavingOnPurpose = true;
      var button = form.querySelector("button[type=submit]");
      // Disable after the browser has taken the button's value.
      if (button) window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
  document.querySelectorAll("[data-leave-ok]").forEach(function (link) {
    link.addEventListener("click", function () { leavingOnPurpose = true; });
  });

  // --- Ask before leaving a step by accident -------------------------------
  if (screen.getAttribute("data-screen") === "step") {
    window.addEventListener("beforeunload", function (event) {
      if (leavingOnPurpose) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  // --- Rest countdown -----------------------------------------------------
  var counter = document.querySelector("[data-countdown]");
  var restForm = document.querySelector("[data-rest-form]");
  if (!counter || !restForm) return;

  var endsAt = Date.now() + Number(counter.getAttribute("data-seconds") || 0) * 1000;
  var restButton = restForm.querySelector("[data-rest-button]");
  var adjust = document.querySelector("[data-rest-adjust]");
  var hold = counter.hasAttribute("data-hold");
  if (restButton && !hold) restButton.textContent = "Skip rest";
  if (adjust) adjust.hidden = false;

  function secondsLeft() { return Math.max(0, Math.ceil((endsAt - Date.now()) / 1000)); }
  function show() { counter.textContent = String(secondsLeft()); }
  function finishRest() {
    if ("vibrate" in navigator) navigator.vibrate(200);
    if (hold || restForm.dataset.submitted) return;
    if (restForm.requestSubmit) restForm.requestSubmit(); else restForm.submit();
  }
  document.querySelectorAll("[data-adjust]").forEach(function (button) {
    button.addEventListener("click", function () {
      var change = Number(button.getAttribute("data-adjust")) * 1000;
      endsAt = Math.max(Date.now(), endsAt + change);
      show();
    });
  });
  show();
  var timer = window.setInterval(function () {
    show();
    if (secondsLeft() === 0) {
      window.clearInterval(timer);
      finishRest();
    }
  }, 250);
})();
