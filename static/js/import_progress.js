// Live progress of a statement import: polls the JSON the page names and fills in the
// numbers; reloads the page once the import has finished (to show the summary).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "yes") return;
  var url = box.dataset.progressUrl;
  var bar = box.querySelector("progress");

  function show(data) {
    Object.keys(data).forEach(function (key) {
      box.querySelectorAll('[data-field="' + key + '"]').forEach(function (el) {
        el.textContent = data[key];
      });
    });
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { setTimeout(poll, 3000); return; }
        show(data);
        if (data.finished) { window.location.reload(); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
