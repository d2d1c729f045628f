// Small behaviours the pages need beyond htmx. Everything works without this file; it only
// adds the live anaesthetic timer and focuses the first field that has an error.
(function () {
  "use strict";

  // The anaesthetic needs its full contact time before needling; the timer counts up from
  // the recorded start and says so until the minimum has passed.
  function tickTimers() {
    document.querySelectorAll("[data-anaesthetic-start]").forEach(function (el) {
      var start = Date.parse(el.getAttribute("data-anaesthetic-start"));
      var minimum = parseFloat(el.getAttribute("data-minimum-minutes"));
      if (isNaN(start) || isNaN(minimum)) { return; }
      var elapsedS = Math.max(0, Math.floor((Date.now() - start) / 1000));
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

  document.addEventListener("DOMContentLoaded", function () {
    tickTimers();
    setInterval(tickTimers, 1000);
    focusFirstError();
  });
})();
