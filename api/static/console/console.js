// Jingmeng Match console: a little vanilla JS, no inline scripts (the CSP allows 'self' only).
// <form data-confirm="…"> asks before submitting; <button data-copy="#id"> copies a shown secret.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (source && navigator.clipboard) { navigator.clipboard.writeText(source.textContent.trim()); }
  });
})();
