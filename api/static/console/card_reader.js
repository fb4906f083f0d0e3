// ID-card readers type the 18 characters and Enter like a keyboard: keep the check-in field
// focused (and its old text selected) so the next card can be swiped straight away.
(function () {
  "use strict";
  function focusReader() {
    var field = document.querySelector("input[data-card-reader]");
    if (field) { field.focus(); field.select(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusReader);
  } else {
    focusReader();
  }
})();
