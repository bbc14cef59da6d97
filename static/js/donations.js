// Donation form and pledge page enhancements; both pages work without JavaScript.
(function () {
  "use strict";
  // Donation form: typing a free amount selects "other"; business fields only when asked for.
  var other = document.getElementById("amount_other");
  if (other) {
    other.addEventListener("input", function () {
      var radio = document.querySelector('input[name="amount_choice"][value="other"]');
      if (radio && other.value.trim()) { radio.checked = true; }
    });
  }
  var business = document.getElementById("is_business");
  var businessFields = document.querySelector("[data-business-fields]");
  if (business && businessFields) {
    var sync = function () { businessFields.hidden = !business.checked; };
    business.addEventListener("change", sync);
    sync();
  }
  var anonymous = document.getElementById("anonymous");
  var wall = document.getElementById("show_on_wall");
  if (anonymous && wall) {
    var syncWall = function () { wall.disabled = anonymous.checked; if (anonymous.checked) { wall.checked = false; } };
    anonymous.addEventListener("change", syncWall);
    syncWall();
  }

  // Pledge page: poll the status until the money is seen, then stop.
  var page = document.querySelector("[data-status-url]");
  if (!page) { return; }
  var url = page.getAttribute("data-status-url");
  var labelsNode = page.querySelector("[data-labels]");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var box = page.querySelector("[data-status-box]");
  var delay = 4000;
  var finished = function (status) { return status === "paid" || status === "overpaid"; };
  var initial = page.getAttribute("data-status");
  var initialReceived = parseInt(page.getAttribute("data-received-amount") || "0", 10);
  function apply(data) {
    // Money arrived: the page changes (thanks, receipt, what is missing), so load it again.
    if (data.received !== initialReceived && data.received > 0 && data.status !== "pending") {
      window.location.reload();
      return;
    }
    page.setAttribute("data-status", data.status);
    if (box) { box.className = "status-box status-" + data.status; }
    var label = page.querySelector("[data-status-label]");
    if (label && labels[data.status]) { label.textContent = labels[data.status]; }
    var received = page.querySelector("[data-received]");
    if (received) { received.textContent = data.received_text; }
    var raised = page.querySelector("[data-campaign-raised]");
    if (raised) { raised.textContent = data.campaign_raised_text; }
  }
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        apply(data);
        // Monthly codes keep receiving; one-time pledges stop once paid.
        if (!finished(data.status)) { setTimeout(poll, delay); }
      })
      .catch(function () { delay = Math.min(delay * 2, 60000); setTimeout(poll, delay); });
  }
  if (!finished(page.getAttribute("data-status"))) { setTimeout(poll, delay); }
})();

// Donation form errors: the summary gets the focus; its links move the focus to their field.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("[data-focus]");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("data-focus"));
    if (!target) { return; }
    event.preventDefault();
    var box = target.closest("[data-business-fields]");
    if (box) { box.hidden = false; }
    target.scrollIntoView({ block: "center" });
    target.focus();
  });
})();
