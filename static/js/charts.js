/*
 * Draws the results page's charts. Each chart container names the JSON data block that
 * holds its plotly figure (data-figure); no inline script is needed, so a
 * Content-Security-Policy without 'unsafe-inline' scripts allows the page.
 */
(function () {
  "use strict";

  var config = { responsive: true, displayModeBar: false };

  function draw(container) {
    var block = document.getElementById(container.getAttribute("data-figure"));
    if (!block || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(block.textContent);
    window.Plotly.newPlot(container, figure.data, figure.layout, config);
  }

  document.querySelectorAll("[data-figure]").forEach(draw);
})();
