// The complaint page: the caller's audio, the transcript words that seek it, and transcription shortcuts.
// Plain JavaScript, no build step; the page's Content-Security-Policy forbids inline script, so
// everything the page needs comes from data- attributes.
(function () {
  "use strict";

  var player = document.getElementById("caller-audio");
  if (!player) {
    return;
  }
  var RATES = [0.5, 0.75, 1.0, 1.25, 1.5];
  var rateLabel = document.getElementById("playback-rate");

  function showRate() {
    if (rateLabel) {
      rateLabel.textContent = String(Number(player.playbackRate.toFixed(2))) + "×";
    }
  }

  function togglePlay() {
    if (player.paused) {
      player.play();
    } else {
      player.pause();
    }
  }

  function skip(seconds) {
    player.currentTime = Math.max(0, player.currentTime + seconds);
  }

  function changeRate(step) {
    var index = RATES.indexOf(player.playbackRate);
    if (index < 0) {
      index = RATES.indexOf(1.0);
    }
    index = Math.min(RATES.length - 1, Math.max(0, index + step));
    player.playbackRate = RATES[index];
    showRate();
  }

  // Clicking a word seeks the player to the moment the caller said it.
  document.querySelectorAll("[data-start]").forEach(function (word) {
    word.addEventListener("click", function () {
      player.currentTime = parseFloat(word.getAttribute("data-start"));
      player.play();
    });
  });

  // Shortcuts work while typing in the editor: Alt plus a key the editor has no use for, and Escape.
  var shortcuts = {
    Escape: togglePlay,
    k: togglePlay,
    j: function () { skip(-5); },
    l: function () { skip(5); },
    ",": function () { changeRate(-1); },
    ".": function () { changeRate(1); }
  };
  document.addEventListener("keydown", function (event) {
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var action = shortcuts[key];
    if (!action || (key !== "Escape" && !event.altKey) || event.ctrlKey || event.metaKey) {
      return;
    }
    event.preventDefault();
    action();
  });

  document.querySelectorAll("[data-player-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      var name = button.getAttribute("data-player-action");
      if (name === "toggle") { togglePlay(); }
      if (name === "back") { skip(-5); }
      if (name === "slower") { changeRate(-1); }
      if (name === "faster") { changeRate(1); }
    });
  });
  showRate();
})();
