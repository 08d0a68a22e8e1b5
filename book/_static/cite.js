// Citations under figures and tables, and on the How-to-cite page.
// Without JavaScript every citation is already on the page, with the date of the book's release as
// the access date. With it: today's date as the access date, the full address of this copy of the
// site where the build did not know it, copy buttons (real buttons: Tab to reach, Enter or Space to
// press), and old anchors that have moved are followed to their new place.
(function () {
  "use strict";
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function dates() {
    var now = new Date();
    var iso = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
    var apa = MONTHS[now.getMonth()] + " " + now.getDate() + ", " + now.getFullYear();
    document.querySelectorAll("time.thesis-accessed").forEach(function (el) {
      el.textContent = el.getAttribute("data-format") === "apa" ? apa : iso;
      el.setAttribute("datetime", iso);
    });
  }

  function addresses() {
    // The site's root, as Sphinx records it for each page, joined to the item's path and anchor
    var rootAttr = document.documentElement.getAttribute("data-content_root");
    if (rootAttr === null || location.protocol === "file:") { return; }  // a local file is no address
    var root = new URL(rootAttr || "./", location.href);
    document.querySelectorAll(".thesis-cite-url").forEach(function (el) {
      if (/^[a-z]+:\/\//i.test(el.textContent)) { return; }
      el.textContent = new URL(el.getAttribute("data-path") || "", root).href;
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function buttons() {
    document.querySelectorAll(".thesis-copy-row").forEach(function (row) { row.hidden = false; });
    document.querySelectorAll("button.thesis-copy").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        var status = button.parentNode.querySelector(".thesis-copy-status");
        if (!source) { return; }
        var text = source.textContent.replace(/\s+\n/g, "\n").trim();
        copyText(text).then(function () {
          if (status) { status.textContent = "Copied."; }
        }, function () {
          if (status) { status.textContent = "Could not copy: select the text and copy it."; }
        });
      });
    });
  }

  function moved() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.classList.contains("thesis-moved")) {
      var link = el.querySelector("a[href]");
      if (link) { location.replace(link.href); }
    }
  }

  function start() { moved(); dates(); addresses(); buttons(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
