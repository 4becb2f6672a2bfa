// Fix My Service staff pages: the little behaviour that plain HTML lacks. Loaded as a file, never inline,
// so the Content-Security-Policy can forbid inline script entirely.
"use strict";

(function () {
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

  // A <select data-autosubmit> sends its form as soon as it changes (the button stays for keyboards and no-JS).
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.requestSubmit();
    }
  });

  // A button with data-confirm asks before its form goes.
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // For page scripts that post without a form: the session's CSRF token goes in the X-CSRF-Token header.
  window.fms = {
    post(url, data) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(data || {}),
      });
    },
  };
})();
