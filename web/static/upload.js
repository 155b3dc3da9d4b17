// Drag and drop onto the upload form's file box, and a list of the chosen files.
// The plain file input works without this script.
(function () {
  "use strict";

  function describe(file) {
    var size = file.size >= 1e6 ? (file.size / 1e6).toFixed(1) + " MB" : Math.ceil(file.size / 1e3) + " KB";
    return file.name + " (" + size + ")";
  }

  function setUp(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector("[data-file-list]");
    var maxFiles = parseInt(zone.getAttribute("data-max-files"), 10) || 10;

    function showFiles() {
      list.textContent = "";
      var files = Array.prototype.slice.call(input.files || []);
      files.forEach(function (file) {
        var item = document.createElement("li");
        item.textContent = describe(file);
        list.appendChild(item);
      });
      if (files.length > maxFiles) {
        var warning = document.createElement("li");
        warning.className = "file-list-error nhsuk-error-message";
        warning.textContent = "Choose at most " + maxFiles + " files at a time.";
        list.appendChild(warning);
      }
    }

    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dropzone-active");
      });
    });
    ["dragleave", "dragend"].forEach(function (name) {
      zone.addEventListener(name, function () {
        zone.classList.remove("dropzone-active");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("dropzone-active");
      var dropped = event.dataTransfer && event.dataTransfer.files;
      if (!dropped || !dropped.length) {
        return;
      }
      var transfer = new DataTransfer();
      Array.prototype.forEach.call(input.files || [], function (file) { transfer.items.add(file); });
      Array.prototype.forEach.call(dropped, function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      showFiles();
    });
    input.addEventListener("change", showFiles);
    zone.classList.add("dropzone-ready");
    showFiles();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-dropzone]"), setUp);
  });
})();
