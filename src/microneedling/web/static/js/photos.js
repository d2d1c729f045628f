// Photos compared and lined up (follow-up page and record). Without this file the photos stay
// side by side and the upload works as a plain form; with it:
// - [data-compare]: before and after of one area stacked, compared with a divider the user
//   drags (or moves with the arrow keys on its range input) or by fading the after photo over
//   the before photo (its own range input);
// - [data-photo-upload]: each photo chosen (several at once, or from the tablet's camera) is
//   shown with the baseline photo of the same area and view faintly over it, as a guide to line
//   the after photo up before it is uploaded. Nothing is sent until the form is submitted.
// Images are read as data: URLs (the CSP allows img-src 'self' data:), and positions are set
// as CSS custom properties through the CSSOM (no style attributes: the CSP refuses those).
(function () {
  "use strict";

  function setupCompare(box) {
    var stage = box.querySelector(".compare-stage");
    var reveal = box.querySelector(".compare-reveal");
    var opacity = box.querySelector(".compare-opacity");
    var revealField = box.querySelector(".compare-reveal-field");
    var opacityField = box.querySelector(".compare-opacity-field");

    function show() {
      stage.style.setProperty("--reveal", reveal.value + "%");
      stage.style.setProperty("--after-opacity", String(opacity.value / 100));
    }

    function setMode(mode) {
      stage.setAttribute("data-mode", mode);
      revealField.hidden = mode !== "slider";
      opacityField.hidden = mode !== "overlay";
    }

    box.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () { if (radio.checked) { setMode(radio.value); } });
    });
    reveal.addEventListener("input", show);
    opacity.addEventListener("input", show);

    // Dragging on the photos moves the divider (slider mode) or the fade (overlay mode).
    var dragging = false;
    function follow(event) {
      var rect = stage.getBoundingClientRect();
      var share = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
      var input = stage.getAttribute("data-mode") === "overlay" ? opacity : reveal;
      input.value = String(Math.round(share * 100));
      show();
    }
    // The browser's own drag of an image would take the pointer away from the divider.
    stage.addEventListener("dragstart", function (event) { event.preventDefault(); });
    stage.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      dragging = true;
      stage.setPointerCapture(event.pointerId);
      follow(event);
    });
    stage.addEventListener("pointermove", function (event) { if (dragging) { follow(event); } });
    stage.addEventListener("pointerup", function () { dragging = false; });
    stage.addEventListener("pointercancel", function () { dragging = false; });

    box.hidden = false;
    var pair = box.previousElementSibling;
    if (pair && pair.hasAttribute("data-side-by-side")) { pair.hidden = true; }
    setMode("slider");
    show();
  }

  function setupGhost(form) {
    var input = form.querySelector("input[type=file][name=photo]");
    var stage = form.querySelector("select[name=stage]");
    var site = form.querySelector("select[name=site]");
    var view = form.querySelector("select[name=view]");
    var ghost = form.querySelector("[data-ghost]");
    var status = form.querySelector("[data-ghost-status]");
    var shots = form.querySelector(".ghost-shots");
    var opacity = form.querySelector(".ghost-opacity");
    if (!input || !ghost) { return; }

    function baselineOf(siteId, viewId) {
      var found = null;
      form.querySelectorAll(".baselines li").forEach(function (li) {
        if (li.getAttribute("data-site") === siteId && li.getAttribute("data-view") === viewId) {
          found = li.getAttribute("data-src");
        }
      });
      return found;
    }

    function showOpacity() {
      shots.style.setProperty("--ghost-opacity", String(opacity.value / 100));
    }

    function render() {
      shots.textContent = "";
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) { ghost.hidden = true; return; }
      var guide = stage.value !== "baseline" ? baselineOf(site.value, view.value) : null;
      status.textContent = files.length + (files.length === 1 ? " photo" : " photos") +
        " chosen. " + (guide
          ? "The baseline photo of this area and view is shown faintly over each: line them up before uploading."
          : "No baseline photo of this area and view to line up with.");
      files.forEach(function (file, i) {
        var figure = document.createElement("figure");
        figure.className = "ghost-stage";
        var shot = document.createElement("img");
        shot.className = "ghost-shot";
        shot.alt = "Chosen photo " + (i + 1) + ": " + file.name;
        figure.appendChild(shot);
        if (guide) {
          var base = document.createElement("img");
          base.className = "ghost-baseline";
          base.alt = "Baseline photo of the area and view, as a guide";
          base.src = guide;
          figure.appendChild(base);
        }
        var reader = new FileReader();
        reader.addEventListener("load", function () { shot.src = String(reader.result); });
        reader.readAsDataURL(file);
        shots.appendChild(figure);
      });
      ghost.hidden = false;
      showOpacity();
    }

    input.addEventListener("change", render);
    stage.addEventListener("change", render);
    site.addEventListener("change", render);
    view.addEventListener("change", render);
    opacity.addEventListener("input", showOpacity);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-compare]").forEach(setupCompare);
    document.querySelectorAll("[data-photo-upload]").forEach(setupGhost);
  });
})();
