// The patient's pages: the intake one topic at a time, and the consent signature pad.
// Without this file the intake shows every topic on one page and posts the same form; the
// consent page says that signing needs JavaScript (a drawn signature cannot be made without).
(function () {
  "use strict";

  function steps(form) {
    var sections = Array.prototype.slice.call(form.querySelectorAll(".step"));
    if (!sections.length) { return; }
    var back = form.querySelector("[data-step-back]");
    var next = form.querySelector("[data-step-next]");
    var count = form.querySelector(".step-count");
    var current = 0;
    // With an error on the page, open the first topic that has one.
    sections.some(function (section, i) {
      if (section.querySelector(".has-error, .field-error")) { current = i; return true; }
      return false;
    });
    function show(i, focus) {
      current = Math.max(0, Math.min(sections.length - 1, i));
      sections.forEach(function (section, j) { section.hidden = j !== current; });
      back.hidden = current === 0;
      next.hidden = current === sections.length - 1;
      count.textContent = "Step " + (current + 1) + " of " + sections.length;
      if (focus) {
        var heading = sections[current].querySelector("h2");
        heading.setAttribute("tabindex", "-1");
        heading.focus();
        window.scrollTo(0, 0);
      }
    }
    form.classList.add("stepping");
    back.addEventListener("click", function () { show(current - 1, true); });
    next.addEventListener("click", function () { show(current + 1, true); });
    show(current, false);
  }

  // A signature drawn with a finger, stylus or mouse (pointer events), posted as a PNG data URL.
  function signaturePad(pad) {
    var canvas = pad.querySelector("canvas");
    var output = document.getElementById(pad.getAttribute("data-output"));
    var clear = pad.querySelector("[data-signature-clear]");
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var inked = false;
    function fit() {
      // The drawing surface follows the box's size on screen, at the screen's pixel density.
      var ratio = window.devicePixelRatio || 1;
      var box = canvas.getBoundingClientRect();
      canvas.width = Math.round(box.width * ratio);
      canvas.height = Math.round(box.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      inked = false;
      output.value = "";
    }
    function at(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = at(event);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = at(event);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      inked = true;
      event.preventDefault();
    });
    function finish() {
      if (!drawing) { return; }
      drawing = false;
      if (inked) { output.value = canvas.toDataURL("image/png"); }
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    canvas.addEventListener("pointerleave", finish);
    clear.addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); fit(); });
    pad.classList.add("ready");
    fit();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.steps").forEach(steps);
    document.querySelectorAll("[data-signature-pad]").forEach(signaturePad);
  });
})();
