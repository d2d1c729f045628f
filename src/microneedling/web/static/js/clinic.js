// Small behaviours the pages need beyond htmx. Everything works without this file; it only
// adds the live anaesthetic timer, focuses the first field that has an error, and the few
// behaviours that would otherwise be inline handlers (the CSP refuses those).
(function () {
  "use strict";

  // The anaesthetic needs its full contact time before needling; the timer counts up and says
  // so until the minimum has passed. It starts from the time elapsed by the clinic's clock when
  // the page was made and adds the time the page has been open: the device's own clock, which
  // may be wrong, never enters.
  var loadedAt = performance.now();

  function tickTimers() {
    document.querySelectorAll("[data-anaesthetic-elapsed-s]").forEach(function (el) {
      var atLoad = parseFloat(el.getAttribute("data-anaesthetic-elapsed-s"));
      var minimum = parseFloat(el.getAttribute("data-minimum-minutes"));
      if (isNaN(atLoad) || isNaN(minimum)) { return; }
      var sinceLoad = (performance.now() - loadedAt) / 1000;
      var elapsedS = Math.max(0, Math.floor(atLoad + sinceLoad));
      var minutes = Math.floor(elapsedS / 60);
      var seconds = elapsedS % 60;
      var clock = el.querySelector(".timer");
      var status = el.querySelector(".timer-status");
      clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      var ready = elapsedS >= minimum * 60;
      clock.classList.toggle("ready", ready);
      clock.classList.toggle("waiting", !ready);
      var left = Math.ceil(minimum - elapsedS / 60);
      status.textContent = ready
        ? "Anaesthetic time reached (" + minimum + " min)."
        : "Wait: only " + minutes + " of " + minimum + " minutes so far, " + left + " min to go.";
    });
  }

  function focusFirstError() {
    var bad = document.querySelector("[aria-invalid='true']");
    if (bad) { bad.focus(); }
  }

  // A <select data-navigate-query="site|concern"> opens the page for the chosen option: its
  // value holds the query parameters' values, "|"-separated, in the order the attribute names.
  function navigateOnChange() {
    document.querySelectorAll("select[data-navigate-query]").forEach(function (select) {
      select.addEventListener("change", function () {
        var names = select.getAttribute("data-navigate-query").split("|");
        var values = select.value.split("|");
        var query = new URLSearchParams();
        names.forEach(function (name, i) { query.set(name, values[i] || ""); });
        location.search = "?" + query.toString();
      });
    });
  }

  // <a data-go-back> returns to the previous page (the link's own href is the fallback).
  function goBackLinks() {
    document.querySelectorAll("a[data-go-back]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (history.length > 1) { event.preventDefault(); history.back(); }
      });
    });
  }

  // On a phone a table shows as cards (clinic.css): each cell carries its column's name,
  // copied here from the table's heading row, so a card reads "State: usable", not "usable".
  function labelTableCells(root) {
    root.querySelectorAll("table:not(.calendar)").forEach(function (table) {
      var heads = table.querySelectorAll("thead tr:last-child th");
      if (!heads.length) { return; }
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          var name = heads[i] ? heads[i].textContent.trim() : "";
          // A cell across several columns ("Nothing booked.") belongs to none of them.
          if (cell.colSpan > 1) { return; }
          if (cell.tagName === "TD" && name && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", name);
          }
        });
      });
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) { labelTableCells(event.target); });

  document.addEventListener("DOMContentLoaded", function () {
    labelTableCells(document);
    tickTimers();
    setInterval(tickTimers, 1000);
    focusFirstError();
    navigateOnChange();
    goBackLinks();
  });
})();
