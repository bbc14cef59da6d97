// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // Ask before destructive actions: <form data-confirm="..."> or <button data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm") ||
      (event.submitter && event.submitter.getAttribute("data-confirm"));
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Copy buttons: <button data-copy="text">; announce the result to screen readers.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var text = button.getAttribute("data-copy");
    var done = function () {
      var label = button.getAttribute("data-copied") || "Đã chép";
      var before = button.textContent;
      button.textContent = label;
      setTimeout(function () { button.textContent = before; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text); done();
    }
  });
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text; area.setAttribute("readonly", ""); area.style.position = "absolute"; area.style.left = "-9999px";
    document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays visible to copy by hand */ }
    document.body.removeChild(area);
  }
  // Sizes that templates would otherwise write into style="" attributes, which the
  // Content-Security-Policy (style-src 'self') refuses: data-width="42" is a bar's percentage,
  // data-depth="2" a tree item's indent. Setting them through the CSSOM is allowed.
  function applySizes(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var pct = parseFloat(el.getAttribute("data-width"));
      if (!isNaN(pct)) { el.style.width = Math.max(0, Math.min(100, pct)) + "%"; }
    });
    root.querySelectorAll("[data-depth]").forEach(function (el) {
      el.style.setProperty("--depth", parseInt(el.getAttribute("data-depth"), 10) || 0);
    });
  }
  // The phone's "Menu": the link to the footer's list (<a data-menu-toggle="main-nav">) becomes
  // a disclosure button for the header's links; Escape closes it and gives focus back.
  function setUpMenu() {
    var link = document.querySelector("[data-menu-toggle]");
    var nav = link && document.getElementById(link.getAttribute("data-menu-toggle"));
    if (!nav) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.textContent = link.textContent;
    button.setAttribute("aria-controls", nav.id);
    link.replaceWith(button);
    var setOpen = function (open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    };
    setOpen(false);
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }
  // The back office's menu (<details class="bo-menu" open>, thirty links) folds on a phone,
  // so that each page's own content is on the first screen; it stays open on wider screens
  // and without JavaScript.
  function foldBackOfficeMenu() {
    var menu = document.querySelector("details.bo-menu");
    if (menu && window.matchMedia("(max-width: 699px)").matches) { menu.open = false; }
  }
  function start() {
    applySizes(document);
    setUpMenu();
    foldBackOfficeMenu();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
