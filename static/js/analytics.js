// Analytics dashboard: draws the Chart.js charts from the numbers in the json_script block,
// and shows the custom date fields only when "Custom" is chosen. No inline scripts (CSP).
(function () {
  "use strict";

  var PALETTE = ["#4338ca", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4d7c0f", "#be185d"];

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw() {
    var source = document.getElementById("analytics-charts");
    if (!source || typeof window.Chart === "undefined") return;
    var charts = JSON.parse(source.textContent);
    var text = cssVar("--text-muted", "#56606c");
    var grid = cssVar("--border", "#dfe3e8");
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.getAttribute("data-chart")];
      if (!spec) return;
      var datasets = spec.datasets.map(function (ds, i) {
        var colour = ds.colour || PALETTE[i % PALETTE.length];
        return {
          label: ds.label, data: ds.data, borderColor: colour, backgroundColor: colour,
          spanGaps: true, tension: 0.2, pointRadius: spec.labels.length > 40 ? 0 : 2
        };
      });
      new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { display: datasets.length > 1, labels: { color: text } } },
          scales: {
            x: { ticks: { color: text, maxTicksLimit: 10 }, grid: { color: grid },
                 stacked: !!spec.stacked },
            y: { ticks: { color: text, precision: 0 }, grid: { color: grid },
                 beginAtZero: spec.type === "bar", stacked: !!spec.stacked }
          }
        }
      });
    });
  }

  function customDates() {
    var select = document.getElementById("id_range");
    if (!select) return;
    var fields = ["id_start", "id_end"].map(function (id) {
      var input = document.getElementById(id);
      return input ? input.closest(".field") : null;
    });
    function sync() {
      var custom = select.value === "custom";
      fields.forEach(function (f) { if (f) f.hidden = !custom; });
    }
    select.addEventListener("change", sync);
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () { customDates(); draw(); });
})();
