// The web form builder: adds, removes and moves field rows. Without it, rows are ordered by
// their number and a row is removed by choosing no field.
(function () {
  "use strict";
  var builder = document.querySelector(".form-builder");
  if (!builder) return;
  var rows = builder.querySelector("[data-rows]");
  var template = document.getElementById("row-template");
  var next = rows.querySelectorAll("[data-row]").length;

  function renumber() {
    rows.querySelectorAll("[data-row]").forEach(function (row, i) {
      var pos = row.querySelector(".pos-input");
      if (pos) pos.value = i + 1;
    });
  }

  function wire(row) {
    row.querySelectorAll("[hidden]").forEach(function (b) { b.hidden = false; });
    var pos = row.querySelector(".pos");
    if (pos) pos.hidden = true;
    row.querySelector("[data-remove]").addEventListener("click", function () {
      row.remove();
      renumber();
    });
    row.querySelectorAll("[data-move]").forEach(function (b) {
      b.addEventListener("click", function () {
        if (b.getAttribute("data-move") === "up" && row.previousElementSibling) {
          rows.insertBefore(row, row.previousElementSibling);
        } else if (b.getAttribute("data-move") === "down" && row.nextElementSibling) {
          rows.insertBefore(row.nextElementSibling, row);
        }
        renumber();
        b.focus();
      });
    });
  }

  // Blank spare rows are for browsers without this script: the add button replaces them.
  rows.querySelectorAll("[data-row]").forEach(function (row) {
    var target = row.querySelector("select");
    var label = row.querySelector('input[type="text"]');
    if (target && !target.value && label && !label.value && !row.querySelector(".field-error")) {
      row.remove();
    } else {
      wire(row);
    }
  });
  renumber();

  var add = builder.querySelector("[data-add-row]");
  add.hidden = false;
  add.addEventListener("click", function () {
    var html = template.innerHTML.replace(/f9999_/g, "f" + next + "_");
    next += 1;
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    rows.appendChild(row);
    wire(row);
    renumber();
    row.querySelector("select").focus();
  });
})();
