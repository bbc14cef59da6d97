// Card return page: ask the server every few seconds until the webhook has confirmed (or
// refused) the payment. A file, not an inline script, so the Content-Security-Policy holds.
(function () {
  "use strict";
  var box = document.querySelector(".card-return");
  if (!box || box.getAttribute("data-state") !== "waiting") { return; }
  var tries = 0;
  function show(state) {
    box.setAttribute("data-state", state);
    box.querySelectorAll(".status").forEach(function (p) {
      p.hidden = !p.classList.contains("status-" + state);
    });
  }
  function poll() {
    tries += 1;
    fetch(box.getAttribute("data-status-url"), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.state !== "waiting") { show(data.state); return; }
        if (tries < 200) { setTimeout(poll, 3000); }
      })
      .catch(function () { if (tries < 200) { setTimeout(poll, 5000); } });
  }
  setTimeout(poll, 2000);
})();
