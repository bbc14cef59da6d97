// Campaign page: the sticky "Ủng hộ ngay" bar hides while the main donate button or the share
// buttons are on screen (it never covers them); without JavaScript it simply stays.
(function () {
  "use strict";
  var bar = document.querySelector("[data-sticky-give]");
  if (!bar || !("IntersectionObserver" in window)) { return; }
  var watched = document.querySelectorAll(".cp-donate, .cp-bank, .cp-share");
  if (!watched.length) { return; }
  var visible = new Set();
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { visible.add(entry.target); } else { visible.delete(entry.target); }
    });
    bar.classList.toggle("is-hidden", visible.size > 0);
  }, { rootMargin: "0px 0px -60px 0px" });
  watched.forEach(function (node) { observer.observe(node); });
})();
