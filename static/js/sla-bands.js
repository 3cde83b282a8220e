/*
 * The SLA bands under the SLA fields of the client form, redrawn as the user
 * types: optimal from 0 to the optimal SLA, low up to the low SLA, breached
 * beyond. Markup and translated text: templates/clients/includes/sla_bands.html.
 * Widths are set through element.style, which the Content-Security-Policy
 * allows (it forbids style attributes in the HTML).
 */
(() => {
  "use strict";

  // Same rule as clients.durations.humanize_seconds; the browser tests check both agree.
  const UNITS = [["h", 3600], ["min", 60], ["s", 1]];

  function humanize(seconds) {
    const parts = [];
    let rest = seconds;
    for (const [symbol, size] of UNITS) {
      const amount = Math.floor(rest / size);
      rest -= amount * size;
      if (amount) {
        parts.push(`${amount} ${symbol}`);
      }
    }
    return parts.join(" ") || "0 s";
  }

  const DASH = " \u2013 ";
  // Breached has no end: it is drawn as this share of the bar.
  const BREACHED_SHARE = 0.2;

  // The field's whole seconds, or null while the browser finds the value invalid.
  function secondsIn(input) {
    return input.value !== "" && input.validity.valid ? Number(input.value) : null;
  }

  function setUp(widget) {
    const optimalInput = document.getElementById(widget.dataset.optimalInput);
    const lowInput = document.getElementById(widget.dataset.lowInput);
    if (!optimalInput || !lowInput) {
      return;
    }
    const drawing = widget.querySelector("[data-sla-bands-drawing]");
    const hint = widget.querySelector("[data-sla-bands-hint]");
    const bar = (band) => widget.querySelector(`[data-band="${band}"]`);
    const range = (band) => widget.querySelector(`[data-band-range="${band}"]`);

    function draw() {
      const optimal = secondsIn(optimalInput);
      const low = secondsIn(lowInput);
      const drawable = optimal !== null && low !== null && optimal < low;
      drawing.hidden = !drawable;
      hint.hidden = drawable;
      if (!drawable) {
        return;
      }
      const scale = low / (1 - BREACHED_SHARE);
      bar("optimal").style.width = `${(100 * optimal) / scale}%`;
      bar("low").style.width = `${(100 * (low - optimal)) / scale}%`;
      bar("breached").style.width = `${100 * BREACHED_SHARE}%`;
      range("optimal").textContent = humanize(0) + DASH + humanize(optimal);
      range("low").textContent = humanize(optimal) + DASH + humanize(low);
      const breached = range("breached");
      breached.textContent = `${breached.dataset.moreThan} ${humanize(low)}`;
    }

    optimalInput.addEventListener("input", draw);
    lowInput.addEventListener("input", draw);
    widget.hidden = false;
    draw();
  }

  document.querySelectorAll("[data-sla-bands]").forEach(setUp);
})();
