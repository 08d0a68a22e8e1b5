// Replace each chart's static SVG with the interactive Vega view, using the site's own bundle.
// Readers without JavaScript (or if the bundle fails) keep the static SVG.
(function () {
  function embedAll() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("figure.thesis-chart").forEach(function (fig) {
      var specNode = fig.querySelector("script.thesis-chart-spec");
      var view = fig.querySelector(".thesis-chart-view");
      if (!specNode || !view || view.dataset.embedded) { return; }
      var spec = JSON.parse(specNode.textContent);
      var target = document.createElement("div");
      // Offline book: no "Open in Vega Editor" and no actions menu that needs the network.
      window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function () {
        // The wrapper (role="img", aria-label = alt text) names the chart; the drawing itself is
        // decoration for assistive technology, as the static SVG was.
        target.querySelectorAll("svg").forEach(function (svg) {
          svg.setAttribute("aria-hidden", "true");
          svg.setAttribute("focusable", "false");
        });
        view.replaceChildren(target);
        view.dataset.embedded = "1";
      }).catch(function () { /* keep the static SVG */ });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", embedAll);
  } else {
    embedAll();
  }
})();
