/*
 * Forms that start long work (the import's check and its Confirmar) say so
 * while the request runs: the submit button is disabled, so a second click
 * cannot send it twice, and the form's data-busy-message is shown with a
 * spinner in its role="status" note (templates/clients/includes/busy.html).
 * A file input with data-max-bytes refuses a larger file at once, with its
 * data-too-large message, instead of uploading it first; the server checks
 * again. Without JavaScript the forms work as before.
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

  // Back to a page the browser kept (its back button): the forms are ready again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) {
      return;
    }
    for (const form of document.querySelectorAll("form[data-busy]")) {
      delete form.dataset.busy;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = false; });
      form.querySelector(".busy-spinner")?.classList.add("d-none");
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
    });
  }
})();
