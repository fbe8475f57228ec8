/* Manage pages: a form that uploads or imports says it is working, so a planner
 * sending a large file does not click again (the server checks a 50 MB file or a
 * national boundary set for up to a minute before the preview appears). */
(function () {
  "use strict";
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
      var note = form.querySelector(".busy-note");
      if (note) { note.textContent = form.dataset.busy; note.hidden = false; }
    });
  });
})();

/* The preview's column selects: choosing another field for a column asks the server for the
 * preview again (read with that mapping, nothing written). */
(function () {
  "use strict";
  document.querySelectorAll("select[data-remap]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });
})();
