// Replace each chart's static SVG with the interactive Vega view, using the site's own bundle.
// Readers without JavaScript (or if the bundle fails) keep the static SVG.
//
// Charts follow the width of their column instead of being shrunk as a picture: when the drawing
// would be wider than its column, the spec is rewritten before it is drawn, so text keeps its size:
// - on a narrow column (a phone), side-by-side panels stack (hconcat -> vconcat, facet columns ->
//   rows, wrapped facets and concat to one column), titles re-wrap, long axis labels are limited;
// - every plot's width is then fitted until the whole drawing fits the column.
// The chart is fitted again when the column's width changes (rotation, window resize).
(function () {
  "use strict";
  var NARROW = 600;      // columns narrower than this (px) stack side-by-side panels
  var MIN_PLOT = 120;    // never make a plot narrower than this (px)
  var DEFAULT_WIDTH = 520;
  var PASSES = 6;

  function parseSpec(text) {
    try { return JSON.parse(text); } catch (e) {
      // JSON has no NaN or Infinity; older pages may carry them where a value is missing
      return JSON.parse(text.replace(/([:\[,]\s*)(?:-?Infinity|NaN)(?=\s*[,\]}])/g, "$1null"));
    }
  }
  function copy(x) { return JSON.parse(JSON.stringify(x)); }

  // Children that are views in their own right (laid out side by side or stacked).
  function children(s) {
    var out = [];
    ["hconcat", "vconcat", "concat"].forEach(function (k) { if (Array.isArray(s[k])) { out = out.concat(s[k]); } });
    if (s.spec && typeof s.spec === "object") { out.push(s.spec); }
    return out;
  }
  // Views whose width can be set: units, layers, and the inner spec of a facet or repeat.
  function sized(s, acc) {
    var kids = children(s);
    if (kids.length) { kids.forEach(function (k) { sized(k, acc); }); } else { acc.push(s); }
    return acc;
  }
  function baseWidth(v) { return typeof v.width === "number" ? v.width : DEFAULT_WIDTH; }

  function wrap(text, chars) {
    var words = (Array.isArray(text) ? text.join(" ") : String(text)).split(/\s+/), lines = [], line = "";
    words.forEach(function (w) {
      if (line && (line + " " + w).length > chars) { lines.push(line); line = w; } else { line = line ? line + " " + w : w; }
    });
    if (line) { lines.push(line); }
    return lines.length === 1 ? lines[0] : lines;
  }
  function rewrapTitle(s, width) {
    var t = s.title;
    if (!t) { return; }
    if (typeof t === "string" || Array.isArray(t)) { t = s.title = { text: t }; }
    var size = t.fontSize || 15, sub = t.subtitleFontSize || 12;
    if (t.text) { t.text = wrap(t.text, Math.max(16, Math.floor((width - 12) / (size * 0.64)))); }
    if (t.subtitle) { t.subtitle = wrap(t.subtitle, Math.max(20, Math.floor((width - 12) / (sub * 0.62)))); }
  }

  // Side-by-side panels one above the other, everywhere in the spec.
  function stack(s) {
    if (Array.isArray(s.hconcat)) { s.vconcat = s.hconcat; delete s.hconcat; }
    if (Array.isArray(s.concat)) { s.columns = 1; }
    var rowHeader = { labelAngle: 0, labelOrient: "top", labelAnchor: "start", labelAlign: "left",
      titleAngle: 0, titleOrient: "top", titleAnchor: "start", titleAlign: "left" };
    function toRow(def) { def.header = Object.assign({}, def.header || {}, rowHeader); return def; }
    if (s.facet && s.spec) {
      if (s.facet.column && !s.facet.row) { s.facet.row = toRow(s.facet.column); delete s.facet.column; }
      else if (s.facet.field) { s.columns = 1; }
    }
    if (s.repeat && s.spec) { s.columns = 1; }
    var enc = s.encoding;
    if (enc) {
      if (enc.column && !enc.row) { enc.row = toRow(enc.column); delete enc.column; }
      if (enc.facet) { enc.facet.columns = 1; }
    }
    children(s).forEach(stack);
  }

  // Returns the legend definitions it set, so that their label limits can be tightened later.
  function narrowConfig(spec, width) {
    var legends = [];
    var c = spec.config = spec.config || {};
    c.axis = Object.assign({}, c.axis || {});
    c.axis.labelLimit = Math.min(c.axis.labelLimit || 180, Math.round(width * 0.38));
    c.legend = Object.assign({}, c.legend || {});
    c.legend.labelLimit = Math.min(c.legend.labelLimit || 420, width - 80);
    c.legend.columns = 1;
    c.legend.orient = "bottom";
    legends.push(c.legend);
    c.header = Object.assign({}, c.header || {});
    c.header.labelLimit = width - 10;
    c.title = Object.assign({}, c.title || {}, { limit: 0 });
    rewrapTitle(spec, width);
    children(spec).forEach(function (k) { rewrapTitle(k, width); });
    // legends and axes configured on the chart itself: one legend column, labels that fit
    (function walk(node, key) {
      if (!node || typeof node !== "object" || key === "datasets" || key === "data" || key === "values") { return; }
      if (key === "legend") {
        node.orient = "bottom";
        node.columns = 1;
        node.labelLimit = Math.min(node.labelLimit || 420, width - 80);
        if (node.title && typeof node.title === "string") { node.titleLimit = width - 20; }
        legends.push(node);
      }
      if (key === "axis" && typeof node.labelLimit === "number") {
        node.labelLimit = Math.min(node.labelLimit, Math.round(width * 0.38));
      }
      // long axis titles wrap onto lines instead of widening the chart
      if ((key === "x" || key === "y" || key === "x2" || key === "y2") && typeof node.field === "string") {
        var holder = node.axis && typeof node.axis === "object" && node.axis.title !== undefined ? node.axis : node;
        if (typeof holder.title === "string" || Array.isArray(holder.title)) {
          holder.title = wrap(holder.title, Math.max(16, Math.floor((key.charAt(0) === "x" ? width * 0.55 : width * 0.9) / 6.6)));
        }
      }
      Object.keys(node).forEach(function (k) { walk(node[k], k); });
    })(spec, "");
    return legends;
  }

  function widthOf(target) {
    var svg = target.querySelector("svg");
    return svg ? parseFloat(svg.getAttribute("width")) || svg.getBoundingClientRect().width : 0;
  }

  // Several legends under a chart that must shrink go one below the other, not side by side (Vega).
  function stackLegends(vg) {
    vg.config = vg.config || {};
    vg.config.legend = Object.assign({}, vg.config.legend || {},
      { layout: { bottom: { anchor: "start", direction: "vertical", margin: 6 } } });
    return vg;
  }

  function embedOnce(spec, narrow) {
    var target = document.createElement("div");
    var options = { actions: false, renderer: "svg" };
    if (narrow) { options.patch = stackLegends; }
    return window.vegaEmbed(target, spec, options).then(function (res) {
      return { target: target, result: res, width: widthOf(target) };
    });
  }

  // Draw `original` to fit `room` px; resolves with the best drawing found.
  function fitted(original, room) {
    return embedOnce(original).then(function (first) {
      if (first.width <= room + 1) { return first; }
      var spec = copy(original);
      var narrow = room < NARROW;
      var legends = [];
      if (narrow) { stack(spec); legends = narrowConfig(spec, room); }
      var views = sized(spec, []);
      var widths = views.map(baseWidth);
      if (narrow) { widths = widths.map(function (w) { return Math.max(MIN_PLOT, Math.min(w, room - 80)); }); }
      var best = first, pass = 0;
      function attempt() {
        views.forEach(function (v, i) { v.width = Math.round(widths[i]); });
        return embedOnce(spec, true).then(function (drawn) {
          if (drawn.width < best.width) { if (best !== first) { best.result.finalize(); } best = drawn; }
          else { drawn.result.finalize(); }
          pass += 1;
          if (drawn.width <= room + 1 || pass >= PASSES) { return best; }
          // shrink the plots by what is left over; axes, legends and titles keep their size
          var over = drawn.width - room;
          var canShrink = false;
          widths = widths.map(function (w) {
            var nw = Math.max(MIN_PLOT, w - over * (narrow ? 1 : w / widths.reduce(function (a, b) { return a + b; }, 0)) - 4);
            if (nw < w) { canShrink = true; }
            return nw;
          });
          if (!canShrink) {
            // the plots are as narrow as they go: a legend placed under a plot may still overrun
            legends.forEach(function (l) {
              var nl = Math.max(90, (l.labelLimit || 420) - over - 4);
              if (nl < (l.labelLimit || 420)) { l.labelLimit = nl; canShrink = true; }
            });
          }
          return canShrink ? attempt() : best;
        });
      }
      return attempt().then(function (res) { if (res !== first) { first.result.finalize(); } return res; });
    });
  }

  function embed(fig) {
    var specNode = fig.querySelector("script.thesis-chart-spec");
    var view = fig.querySelector(".thesis-chart-view");
    if (!specNode || !view) { return; }
    var room = Math.floor(view.clientWidth);
    if (!room || (view.dataset.embedded && Math.abs(room - (+view.dataset.room || 0)) < 24)) { return; }
    view.dataset.room = room;
    var spec = fig._thesisSpec || (fig._thesisSpec = parseSpec(specNode.textContent));
    fitted(spec, room).then(function (drawn) {
      // The wrapper (role="img", aria-label = alt text) names the chart; the drawing itself is
      // decoration for assistive technology, as the static SVG was.
      drawn.target.querySelectorAll("svg").forEach(function (svg) {
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("focusable", "false");
      });
      if (fig._thesisView) { fig._thesisView.finalize(); }
      fig._thesisView = drawn.result;
      view.replaceChildren(drawn.target);
      view.dataset.embedded = "1";
    }).catch(function () { /* keep the static SVG */ });
  }

  function embedAll() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("figure.thesis-chart").forEach(embed);
  }

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(embedAll, 250);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", embedAll);
  } else {
    embedAll();
  }
})();
