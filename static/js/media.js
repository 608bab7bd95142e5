/* Media library: drop a file onto the upload form to pick it (the form then posts normally). */
(function () {
  "use strict";
  var form = document.querySelector("[data-dropzone-form]");
  if (!form) return;
  var zone = form.querySelector("[data-dropzone-target]"), input = form.querySelector("input[type=file]");
  ["dragenter", "dragover"].forEach(function (t) { form.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("dragging"); }); });
  ["dragleave", "drop"].forEach(function (t) { form.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("dragging"); }); });
  form.addEventListener("drop", function (e) {
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    input.files = e.dataTransfer.files;
    zone.textContent = e.dataTransfer.files[0].name;
  });
})();
