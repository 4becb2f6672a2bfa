// The episode page's small enhancement: click a word of the transcript to set the clip's first word, click
// another to set its last; the selects (which work without script) are filled, and the chosen words shaded.
"use strict";

(function () {
  const selectsOf = (id) => ({
    first: document.querySelector(`select[data-trim-first="${id}"]`),
    last: document.querySelector(`select[data-trim-last="${id}"]`),
  });

  function shade(words) {
    const { first, last } = selectsOf(words.dataset.trim);
    const all = words.querySelectorAll(".word");
    const from = first && first.value !== "" ? Number(first.value) : 0;
    const to = last && last.value !== "" ? Number(last.value) : all.length - 1;
    all.forEach((word, i) => {
      word.classList.toggle("in-clip", i >= from && i <= to);
      word.classList.toggle("edge", i === from || i === to);
    });
  }

  document.querySelectorAll(".words[data-trim]").forEach((words) => {
    words.classList.add("enhanced");
    let pending = null; // the first word clicked, waiting for the last
    words.addEventListener("click", (event) => {
      const word = event.target instanceof Element ? event.target.closest(".word") : null;
      if (!word) return;
      const { first, last } = selectsOf(words.dataset.trim);
      const index = Number(word.dataset.index);
      if (pending === null) {
        pending = index;
        first.value = String(index);
        last.value = String(index);
      } else {
        first.value = String(Math.min(pending, index));
        last.value = String(Math.max(pending, index));
        pending = null;
      }
      shade(words);
    });
    const { first, last } = selectsOf(words.dataset.trim);
    [first, last].forEach((select) => select && select.addEventListener("change", () => shade(words)));
    shade(words);
  });

  // While the package builds, ask for its progress every two seconds and move the bar; when the build's state
  // changes (running, built, failed) reload, so the page shows what now applies. Without script, the
  // Refresh link does the same by hand.
  const build = document.querySelector("section.build[data-episode-status='building']");
  if (build) {
    const statusShown = build.querySelector("[data-build-status]")?.dataset.value;
    const poll = async () => {
      try {
        const response = await fetch(build.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" });
        if (!response.ok) return;
        const body = await response.json();
        if (body.status !== "building" || body.build.status !== statusShown) {
          // Reload without the done= message of the button press, which no longer applies.
          if (window.location.search) window.location.replace(`${window.location.pathname}#build`);
          else window.location.reload();
          return;
        }
        build.querySelector("[data-build-bar]").value = body.build.percent;
        build.querySelector("[data-build-percent]").textContent = `${body.build.percent} %`;
      } finally {
        window.setTimeout(poll, 2000);
      }
    };
    window.setTimeout(poll, 2000);
  }
})();
