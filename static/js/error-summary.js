// After a refused Guardar, the focus starts on the summary of what to fix
// (templates/bootstrap5/errors.html; tabindex="-1"), so that a keyboard or
// screen reader user hears it first. Each of its links then takes the focus
// to its field, showing the field's label above it; without JavaScript the
// links still jump to the fields.
(function () {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest('a[href^="#"]');
    const field = link && document.getElementById(link.hash.slice(1));
    if (!field) return;
    event.preventDefault();
    const label = document.querySelector(`label[for="${field.id}"]`) || field;
    label.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
