/* Back Relief: Guide me. Plays a set's pacing plan so a person on the floor
 * never counts or reads.
 *
 * The server builds the plan (protocols/pacing.py) and is the only judge of
 * what was done: at the end of a set the guide taps the same Done form a
 * person would (same POST, same exactly-once rule), or waits for them to tap
 * it ("Carry on by myself" off). Between screens it fetches the next one and
 * swaps it in, because browsers only let a page speak after a tap on it.
 *
 * Sound is the person's choice, saved with their preferences: spoken words
 * (Web Speech), tones (Web Audio), or none; the phone vibrates at a change of
 * side and at the end either way, and every word is also on screen. Live
 * announcements are kept to sides, pauses and the end.
 *
 * If the page is reloaded mid-set, the set starts again from the top, and the
 * guide says so and waits for a tap (a fresh page may not speak until then).
 */
(function () {
  "use strict";

  var STORE = "backrelief.guide";
  var settingsNode = document.getElementById("guide-settings");
  if (!settingsNode || !window.fetch || !window.backRelief) return;
  var settings = JSON.parse(settingsNode.textContent);
  var saveUrl = settings.saveUrl;
  var main = document.getElementById("main");

  // --- What survives a page load: which session is being guided, and where ----
  function stored() {
    try { return JSON.parse(window.sessionStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }
  function store(state) {
    try { window.sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function forget() {
    try { window.sessionStorage.removeItem(STORE); } catch (e) { /* private mode */ }
  }

  // --- Sound -----------------------------------------------------------------
  var audio = null;
  function unlockSound() {
    // Called from a tap: iOS only lets a page speak and play after one.
    var Context = window.AudioContext || window.webkitAudioContext;
    if (Context && !audio) { try { audio = new Context(); } catch (e) { audio = null; } }
    if (audio && audio.state === "suspended") audio.resume();
    if ("speechSynthesis" in window) {
      var silent = new SpeechSynthesisUtterance(" ");
      silent.volume = 0;
      window.speechSynthesis.speak(silent);
    }
  }
  function say(text, important) {
    if (settings.sound !== "speech" || !text || !("speechSynthesis" in window)) return;
    var synth = window.speechSynthesis;
    // Never talk over the last words: a count is dropped, a change of side waits its turn.
    if (!important && (synth.speaking || synth.pending)) return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang || "en";
    synth.speak(utterance);
  }
  function talking() {
    return settings.sound === "speech" && "speechSynthesis" in window && window.speechSynthesis.speaking;
  }
  function hush() {
    if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  }
  function tone(frequency, milliseconds, delay) {
    if (settings.sound === "off" || !audio) return;
    var start = audio.currentTime + (delay || 0) / 1000;
    var end = start + milliseconds / 1000;
    var oscillator = audio.createOscillator();
    var gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, end);
    oscillator.connect(gain);
    gain.connect(audio.destination);
    oscillator.start(start);
    oscillator.stop(end + 0.02);
  }
  function buzz(pattern) {
    if ("vibrate" in navigator) navigator.vibrate(pattern);
  }
  var sounds = {
    rep: function () { if (settings.sound === "tones") tone(660, 90); },
    count: function () { if (settings.sound === "tones") tone(520, 90); },
    side: function () { if (settings.sound === "tones") { tone(520, 120); tone(780, 160, 160); } buzz(200); },
    end: function () { tone(660, 150); tone(880, 150, 170); tone(1100, 300, 340); buzz([200, 100, 200]); }
  };

  // --- Saving a change of sound, speed or carry-on with the preferences ---------
  function csrfToken() {
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function saveSettings(panel) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    body.append("guide_sound", settings.sound);
    body.append("guide_speed", String(Math.round(settings.speed * 100)));
    if (settings.carriesOn) body.append("guide_carries_on", "on");
    fetch(saveUrl, { method: "POST", body: body, credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
    }).catch(function () {
      notice(panel, "That setting could not be saved, so it applies on this screen only.");
    });
  }

  function notice(panel, text) {
    var node = panel && panel.querySelector("[data-guide-notice]");
    if (!node) return;
    node.textContent = text;
    node.hidden = !text;
  }
  function announce(screen, text) {
    var live = screen.querySelector("[data-guide-live]");
    if (live) live.textContent = text;
  }

  // --- Going on to the next screen without leaving the page ---------------------
  function swapIn(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var nextMain = next.getElementById("main");
    if (!nextMain) throw new Error("no main");
    document.title = next.title;
    main.replaceChildren.apply(main, Array.prototype.slice.call(nextMain.childNodes).map(function (node) {
      return document.importNode(node, true);
    }));
    var screen = main.querySelector("[data-screen]");
    var heading = main.querySelector("h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
    window.scrollTo(0, 0);
    if (screen) {
      window.backRelief.setUpScreen(screen);
      setUp(screen, true);
    }
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !stored().guiding || !form.closest("[data-screen]")) return;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
    event.preventDefault();
    var body = new FormData(form);
    if (event.submitter && event.submitter.name) body.append(event.submitter.name, event.submitter.value);
    stopPlayer();
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" }).then(function (response) {
      var url = new URL(response.url);
      if (!response.ok || url.pathname !== window.location.pathname) {
        window.location.assign(response.url);  // the finish page, or anything unexpected
        return null;
      }
      return response.text();
    }).then(function (html) {
      if (html) swapIn(html);
    }).catch(function () {
      form.submit();  // the plain way; the server ignores a tap it already has
    });
  });

  // --- Playing one set ------------------------------------------------------------
  var player = null;

  function stopPlayer() {
    if (player) { window.clearInterval(player.timer); player = null; }
  }

  function Player(screen, panel, plan, step) {
    this.screen = screen;
    this.panel = panel;
    this.plan = plan;
    this.step = step;
    this.index = -1;
    this.left = 0;
    this.paused = true;
    this.last = Date.now();
    this.timer = window.setInterval(this.tick.bind(this), 100);
  }
  Player.prototype.enter = function (index) {
    this.index = index;
    var prompt = this.plan[index];
    this.left = prompt.seconds * 1000 / settings.speed;
    this.counted = null;
    store({ guiding: true, session: stored().session, step: this.step, inSet: prompt.kind !== "done" });
    this.show(prompt);
    if (prompt.kind === "rep") {
      say(prompt.say, false);
      sounds.rep();
    } else if (prompt.kind === "done") {
      this.finish(prompt);
    } else {
      say(prompt.say, true);
      if (prompt.kind !== "get_ready") sounds.side();
      announce(this.screen, prompt.text);
    }
  };
  Player.prototype.show = function (prompt) {
    var bar = this.panel.querySelector("[data-guide-bar]");
    var count = this.panel.querySelector("[data-guide-count]");
    var part = prompt.text.indexOf(" leg") >= 0 ? "leg" : "side";
    this.panel.querySelector("[data-guide-now]").textContent = prompt.text;
    if (prompt.kind === "hold") {
      bar.max = prompt.seconds;  // filled as the hold goes on (showCount)
    } else {
      bar.max = prompt.of || this.nextReps(this.index) || 1;
      bar.value = prompt.kind === "rep" ? prompt.rep : 0;
      bar.textContent = bar.value + " of " + bar.max;
      this.panel.querySelector("[data-guide-bar-label]").textContent =
        prompt.kind === "done" ? "Set done" : bar.value + " of " + bar.max + (prompt.side ? " on this " + part : "");
    }
    count.hidden = prompt.kind === "rep" || prompt.kind === "done";
    this.showCount();
    var sides = this.plan.some(function (each) { return each.kind === "change_side"; });
    var otherSide = this.panel.querySelector("[data-guide-other-side]");
    otherSide.hidden = !sides;
    otherSide.disabled = prompt.side === "other" || prompt.kind === "done";
  };
  Player.prototype.nextReps = function (index) {
    for (var i = index; i < this.plan.length; i++) if (this.plan[i].kind === "rep") return this.plan[i].of;
    return 0;
  };
  Player.prototype.showCount = function () {
    var count = this.panel.querySelector("[data-guide-count]");
    var left = Math.max(1, Math.ceil(this.left / 1000));
    if (!count.hidden) count.textContent = String(left);
    var prompt = this.plan[this.index];
    if (prompt && prompt.kind === "hold") {
      var bar = this.panel.querySelector("[data-guide-bar]");
      bar.value = Math.min(prompt.seconds, prompt.seconds - left + 1);
      bar.textContent = left + " s left";
      this.panel.querySelector("[data-guide-bar-label]").textContent = left + " s left of " + prompt.seconds;
    }
  };
  Player.prototype.tick = function () {
    var now = Date.now();
    var elapsed = now - this.last;
    this.last = now;
    if (this.paused || this.index < 0) return;
    var prompt = this.plan[this.index];
    if (prompt.kind === "done") return;
    this.left -= elapsed;
    this.showCount();
    if (this.left > 0) return;
    // Words longer than the get-ready or the change of side: the reps wait for them (a few seconds at most).
    if (prompt.kind !== "rep" && this.left > -4000 && talking()) return;
    this.enter(this.index + 1);
  };
  Player.prototype.play = function () {
    this.paused = false;
    this.last = Date.now();
    if (this.index < 0) this.enter(0);
    this.showPaused();
  };
  Player.prototype.pause = function () {
    this.paused = true;
    hush();
    this.showPaused();
    announce(this.screen, "Guide paused");
  };
  Player.prototype.showPaused = function () {
    var button = this.panel.querySelector("[data-guide-pause]");
    button.textContent = this.paused ? (this.index < 0 ? "Start the set" : "Resume") : "Pause guide";
    this.panel.classList.toggle("is-paused", this.paused);
  };
  Player.prototype.restart = function () {
    hush();
    this.paused = false;
    this.enter(0);
    this.showPaused();
  };
  Player.prototype.otherSide = function () {
    for (var i = this.index + 1; i < this.plan.length; i++) {
      if (this.plan[i].kind === "change_side") {
        hush();
        this.paused = false;
        this.enter(i);
        this.showPaused();
        return;
      }
    }
  };
  Player.prototype.changeSpeed = function (speed) {
    this.left = this.left * settings.speed / speed;
    settings.speed = speed;
  };
  Player.prototype.finish = function (prompt) {
    sounds.end();
    say(prompt.say, true);
    var done = this.screen.querySelector("[data-done-form]");
    if (settings.carriesOn && done) {
      announce(this.screen, "Set done. Recording it and going on.");
      this.panel.querySelector("[data-guide-now]").textContent = "Set done: recording it";
      var self = this;
      // A moment for "Done" to be heard before the screen changes.
      window.setTimeout(function () {
        if (player === self && !self.paused && !done.dataset.submitted) {
          if (done.requestSubmit) done.requestSubmit(); else done.submit();
        }
      }, 1500);
    } else {
      announce(this.screen, "Set done. Tap Done when you are ready.");
      this.panel.querySelector("[data-guide-now]").textContent = "Set done: tap Done when you are ready";
    }
  };

  // --- Each screen: the step's panel, or what the rest says ---------------------
  function setUp(screen, swapped) {
    var kind = screen.getAttribute("data-screen");
    var section = screen.querySelector("[data-guide]");
    var state = stored();
    var session = screen.getAttribute("data-session");
    var guiding = state.guiding && state.session === session;
    if (!guiding && state.guiding) { forget(); state = {}; }
    if (kind === "rest") return setUpRest(screen, guiding, swapped);
    if (kind !== "step" || !section) return;

    var plan = JSON.parse(document.getElementById("pacing-plan").textContent);
    var step = Number(screen.getAttribute("data-step"));
    var panel = section.querySelector("[data-guide-panel]");
    var startButton = screen.querySelector("[data-guide-start]");
    startButton.hidden = false;
    bindControls(screen, section, panel);
    showSettings(panel);

    var holdTimer = screen.querySelector("[data-hold-timer]");
    function open() {
      startButton.hidden = true;
      section.hidden = false;
      if (holdTimer) holdTimer.hidden = true;  // the guide counts the hold itself
      stopPlayer();
      player = new Player(screen, panel, plan, step);
    }
    startButton.addEventListener("click", function () {
      unlockSound();
      store({ guiding: true, session: session, step: step, inSet: false });
      open();
      player.play();
      // The guide's big line, Done and "This hurts" on screen together.
      section.scrollIntoView({ block: "start" });
    });
    if (!guiding) return;
    open();
    if (swapped && !screen.querySelector("[data-it-hurt]")) {
      player.play();
      return;
    }
    if (swapped) {
      // Just skipped because it hurt: the advice is read before anything moves.
      player.showPaused();
      notice(panel, "Read what to do after a skip first. Tap Start the set when you are ready.");
      say("Read what to do after a skip, then tap Start the set.", true);
      return;
    }
    // A fresh page: it may not speak until tapped, so wait for one, and say why.
    player.showPaused();
    if (state.step === step && state.inSet) {
      notice(panel, "The page was reloaded, so this set starts again from the beginning. Tap Start the set when you are ready.");
    } else {
      notice(panel, "Guide me is on. Tap Start the set when you are ready.");
    }
    store({ guiding: true, session: session, step: step, inSet: false });
  }

  function bindControls(screen, section, panel) {
    function on(selector, handler) {
      panel.querySelector(selector).addEventListener("click", function () {
        if (player) { notice(panel, ""); handler(); }
      });
    }
    on("[data-guide-pause]", function () {
      unlockSound();
      if (player.paused) player.play(); else player.pause();
    });
    on("[data-guide-restart]", function () { unlockSound(); player.restart(); announce(screen, "Set started again"); });
    on("[data-guide-other-side]", function () { player.otherSide(); });
    on("[data-guide-slower]", function () { changeSpeed(panel, -1); });
    on("[data-guide-faster]", function () { changeSpeed(panel, 1); });
    on("[data-guide-stop]", function () {
      stopPlayer();
      hush();
      forget();
      section.hidden = true;
      var holdTimer = screen.querySelector("[data-hold-timer]");
      if (holdTimer) holdTimer.hidden = false;
      screen.querySelector("[data-guide-start]").hidden = false;
      screen.querySelector("[data-guide-start]").focus();
    });
    panel.querySelectorAll("[name=guide-sound]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        settings.sound = radio.value;
        if (settings.sound !== "speech") hush();
        saveSettings(panel);
      });
    });
    panel.querySelector("[data-guide-carry-on]").addEventListener("change", function (event) {
      settings.carriesOn = event.target.checked;
      saveSettings(panel);
    });
  }

  function changeSpeed(panel, direction) {
    var speeds = settings.speeds;
    var at = speeds.indexOf(settings.speed);
    var next = speeds[Math.min(speeds.length - 1, Math.max(0, (at < 0 ? speeds.indexOf(1) : at) + direction))];
    if (next === settings.speed) return;
    player.changeSpeed(next);
    showSettings(panel);
    saveSettings(panel);
  }

  function showSettings(panel) {
    panel.querySelector("[data-guide-speed]").textContent = "Speed " + settings.speed + "×";
    panel.querySelector("[data-guide-slower]").disabled = settings.speed === settings.speeds[0];
    panel.querySelector("[data-guide-faster]").disabled = settings.speed === settings.speeds[settings.speeds.length - 1];
    panel.querySelectorAll("[name=guide-sound]").forEach(function (radio) {
      radio.checked = radio.value === settings.sound;
    });
    panel.querySelector("[data-guide-carry-on]").checked = settings.carriesOn;
  }

  // --- A rest: "Rest, 30 seconds", then the last three seconds counted ----------
  var restListener = null;
  function setUpRest(screen, guiding, swapped) {
    stopPlayer();
    if (restListener) document.removeEventListener("backrelief:rest-tick", restListener);
    restListener = null;
    var section = screen.querySelector("[data-guide]");
    if (!guiding || !section) return;
    section.hidden = false;
    section.querySelector("[data-guide-stop]").addEventListener("click", function () {
      forget();
      hush();
      section.hidden = true;
    });
    if (!swapped) return;  // a fresh page cannot speak yet; the next step asks for a tap
    var counter = screen.querySelector("[data-countdown]");
    if (counter.hasAttribute("data-hold")) {
      say(section.getAttribute("data-say-hold"), true);
      return;
    }
    say(section.getAttribute("data-say"), true);
    restListener = function (event) {
      var left = event.detail.secondsLeft;
      if (left >= 1 && left <= 3) {
        say(String(left), false);
        sounds.count();
      }
    };
    document.addEventListener("backrelief:rest-tick", restListener);
  }

  // --- The screen turned off or another app came up: timers cannot be trusted -----
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden" || !player || player.paused) return;
    player.pause();
    notice(player.panel, "Paused while the screen was off or another app was open. Tap Resume to go on.");
  });

  setUp(document.querySelector("[data-screen]"), false);
})();
