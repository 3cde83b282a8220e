/*
 * Forms that start long work (the import's check and its Confirmar) say so
 * while the request runs: the submit button is disabled, so a second click
 * cannot send it twice, and the form's data-busy-message is shown with a
 * spinner in its role="status" note (templates/clients/includes/busy.html).
 * A file input with data-max-bytes refuses a larger file at once, with its
 * data-too-large message, instead of uploading it first; the server checks
 * again. Without JavaScript the forms work as before.
 *
 * A form with data-progress-url also shows how far the server has got: its
 * hidden data-progress-token field gets a random token, the request records
 * its progress under it (clients/progress.py), and the page asks the URL for
 * it twice a second while it waits, showing a <progress> bar and the phase
 * with its percentage. The note, a polite live region, changes its words only
 * every 10 %, so that a screen reader is told the progress without chatter.
 */
(() => {
  "use strict";

  for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
    input.addEventListener("change", () => {
      const file = input.files[0];
      const tooLarge = file && file.size > Number(input.dataset.maxBytes);
      input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
      if (tooLarge) {
        input.reportValidity();
      }
    });
  }

  const POLL_MS = 500;
  let polling = null;

  function newToken() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function showProgress(form, state) {
    const note = form.querySelector(".busy-note");
    const bar = form.querySelector(".busy-progress");
    const text = form.querySelector(".busy-text");
    const words = note && state && note.dataset[state.phase];
    if (!bar || !text || !words) {
      return;  // Not started yet (the file may still be on its way): the busy message stays.
    }
    form.querySelector(".busy-spinner")?.classList.add("d-none");  // The bar says it now.
    bar.classList.remove("d-none");
    if (state.phase === "save") {  // The database does not tell how far it has got.
      bar.removeAttribute("value");
      text.textContent = words;
      return;
    }
    bar.value = state.percent;
    text.textContent = `${words} ${Math.floor(state.percent / 10) * 10} %`;
  }

  function pollProgress(form, token) {
    const url = new URL(form.dataset.progressUrl, window.location.href);
    url.searchParams.set("token", token);
    const poll = () => {
      fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
        .then((response) => (response.ok ? response.json() : null))
        .then((state) => showProgress(form, state))
        .catch(() => {})  // A missed answer: the next one will tell.
        .finally(() => {
          if (polling !== null) {
            polling = setTimeout(poll, POLL_MS);
          }
        });
    };
    polling = setTimeout(poll, POLL_MS);
  }

  // Back to a page the browser kept (its back button): the forms are ready again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) {
      return;
    }
    clearTimeout(polling);
    polling = null;
    for (const form of document.querySelectorAll("form[data-busy]")) {
      delete form.dataset.busy;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = false; });
      form.querySelector(".busy-spinner")?.classList.add("d-none");
      form.querySelector(".busy-progress")?.classList.add("d-none");
      const text = form.querySelector(".busy-text");
      if (text) {
        text.textContent = "";
      }
    }
  });

  for (const form of document.querySelectorAll("form[data-busy-message]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.busy) {
        event.preventDefault();
        return;
      }
      form.dataset.busy = "1";
      form.setAttribute("aria-busy", "true");
      for (const button of form.querySelectorAll("button[type=submit]")) {
        // Disabled after the submit has been sent, so the button's own value still goes.
        setTimeout(() => { button.disabled = true; }, 0);
      }
      form.querySelector(".busy-spinner")?.classList.remove("d-none");
      const text = form.querySelector(".busy-text");
      if (text) {
        text.textContent = form.dataset.busyMessage;
      }
      const token = form.querySelector("input[data-progress-token]");
      if (token && form.dataset.progressUrl && window.crypto && window.fetch) {
        // Set before the browser gathers the form's fields, which follows this event.
        token.value = newToken();
        pollProgress(form, token.value);
      }
    });
  }
})();
