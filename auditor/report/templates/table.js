(function () {
  "use strict";
  function cellValue(row, index) {
    var cell = row.cells[index];
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    return /^-?\d+(\.\d+)?$/.test(raw) ? parseFloat(raw) : raw;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      if (!th.classList.contains("sortable")) { return; }
      th.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var cmp = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh-CN");
          return asc ? cmp : -cmp;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  var filters = document.querySelectorAll("[data-filter]");
  function apply() {
    var want = {};
    filters.forEach(function (f) { want[f.getAttribute("data-filter")] = f.value; });
    document.querySelectorAll("table.filterable tbody tr").forEach(function (row) {
      var show = true;
      Object.keys(want).forEach(function (key) {
        var value = want[key];
        if (!value) { return; }
        var have = (row.getAttribute("data-" + key) || "").split(" ");
        if (have.indexOf(value) < 0) { show = false; }
      });
      row.classList.toggle("hidden", !show);
    });
    document.querySelectorAll("[data-count-for]").forEach(function (el) {
      var table = document.getElementById(el.getAttribute("data-count-for"));
      el.textContent = table.querySelectorAll("tbody tr:not(.hidden)").length;
    });
  }
  filters.forEach(function (f) { f.addEventListener("change", apply); });
})();
