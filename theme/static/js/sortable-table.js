/*
 * Sortable tables: progressive enhancement of <table data-sortable>.
 *
 * Without JavaScript each sortable column heading is a link to a pre-sorted copy
 * of the table (e.g. /cities/by/mous/). With it, the link becomes a <button> that
 * sorts the rows in place; the sorted heading carries aria-sort and the caption's
 * status (an aria-live region) says how the table is sorted, in the page's words
 * taken from data-status-ascending / data-status-descending ("{column}" is the
 * column's name).
 *
 * Headings opt in with data-sort-type="text" or "number"; a cell's
 * data-sort-value, when given, is sorted instead of its text.
 */
(function () {
  "use strict";

  var collator = new Intl.Collator(document.documentElement.lang || undefined, {
    numeric: true,
    sensitivity: "base"
  });

  function valueOf(row, index) {
    var cell = row.cells[index];
    if (!cell) {
      return "";
    }
    var value = cell.getAttribute("data-sort-value");
    return value === null ? cell.textContent.trim() : value;
  }

  function compare(type, a, b) {
    if (type === "number") {
      var x = parseFloat(a);
      var y = parseFloat(b);
      x = isNaN(x) ? -Infinity : x;
      y = isNaN(y) ? -Infinity : y;
      return x - y;
    }
    return collator.compare(a, b);
  }

  function sortTable(table, headers, positions, index, direction) {
    var header = headers[index];
    var type = header.getAttribute("data-sort-type");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = direction === "descending" ? -1 : 1;
    rows.sort(function (a, b) {
      var order = compare(type, valueOf(a, index), valueOf(b, index));
      return order !== 0 ? sign * order : positions.get(a) - positions.get(b);
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) {
      fragment.appendChild(row);
    });
    body.appendChild(fragment);
    headers.forEach(function (other) {
      if (other !== header) {
        other.removeAttribute("aria-sort");
      }
    });
    header.setAttribute("aria-sort", direction);
    var status = table.querySelector(".portal-sortable__status");
    var words = table.getAttribute("data-status-" + direction);
    if (status && words) {
      status.textContent = words.replace("{column}", header.textContent.trim());
    }
  }

  function enhance(table) {
    if (!table.tHead || !table.tBodies.length) {
      return;
    }
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    // Ties are broken by the first column (the name), whatever view was loaded.
    var positions = new Map();
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    rows.sort(function (a, b) {
      return collator.compare(valueOf(a, 0), valueOf(b, 0));
    });
    rows.forEach(function (row, position) {
      positions.set(row, position);
    });

    headers.forEach(function (header, index) {
      if (!header.hasAttribute("data-sort-type")) {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "portal-sortable__button";
      button.textContent = header.textContent.trim();
      header.textContent = "";
      header.appendChild(button);
      button.addEventListener("click", function () {
        var current = header.getAttribute("aria-sort");
        var direction;
        if (current === "ascending") {
          direction = "descending";
        } else if (current === "descending") {
          direction = "ascending";
        } else {
          direction = header.getAttribute("data-sort-default") || "ascending";
        }
        sortTable(table, headers, positions, index, direction);
      });
    });
    table.classList.add("portal-sortable--enhanced");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
