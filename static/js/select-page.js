/*
 * "Select all on this page" in the client list: the header checkbox ticks or
 * clears every row's checkbox, and shows whether some or all are ticked.
 * Without JavaScript it stays hidden and each row is ticked by itself.
 */
(() => {
  "use strict";

  function setUp(all) {
    const table = all.closest("table");
    const rows = () => table.querySelectorAll('input[type="checkbox"][name="codes"]');
    const refresh = () => {
      const boxes = [...rows()];
      const ticked = boxes.filter((box) => box.checked).length;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    };
    all.addEventListener("change", () => {
      for (const box of rows()) {
        box.checked = all.checked;
      }
      refresh();
    });
    table.addEventListener("change", (event) => {
      if (event.target !== all) {
        refresh();
      }
    });
    all.hidden = rows().length === 0;
    refresh();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-select-page]").forEach(setUp);
  });
})();
