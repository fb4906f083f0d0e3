// Bureau pages: an ID-card reader types the 18 characters and then Enter, like a keyboard.
// In an input marked data-card-reader, Enter never submits the form (half a record): the number
// is normalised (spaces out, full-width to ASCII, x to X) and the focus moves to the next field.
// The server normalises and validates again (models.workers.rules): this is only convenience.
(function () {
  "use strict";
  function normalise(value) {
    var out = value.normalize ? value.normalize("NFKC") : value;
    return out.replace(/\s+/g, "").toUpperCase();
  }
  function next(input) {
    var items = Array.prototype.filter.call(input.form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.tabIndex >= 0 && el.tagName !== "FIELDSET";
    });
    var i = items.indexOf(input);
    if (i >= 0 && i + 1 < items.length) { items[i + 1].focus(); }
  }
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.hasAttribute || !input.hasAttribute("data-card-reader")) { return; }
    event.preventDefault();
    input.value = normalise(input.value);
    next(input);
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.hasAttribute && input.hasAttribute("data-card-reader")) { input.value = normalise(input.value); }
  });
})();
