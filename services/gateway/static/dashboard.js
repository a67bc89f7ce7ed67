// The dashboard's charts: each .chart element carries its data in data-chart (the table under it holds
// the same numbers for anyone without the chart). No inline script, so the page's CSP holds.
(function () {
  "use strict";
  if (typeof echarts === "undefined") {
    return;
  }
  var PALETTE = ["#a61b1b", "#1f5f9e", "#3d7a2a", "#8a5a00", "#6b3fa0"];
  var drawn = [];

  function option(spec, element) {
    var horizontal = spec.kind === "hbar";
    // Care mode's larger text reaches the charts too.
    var size = document.documentElement.classList.contains("care") ? 16 : 12;
    var narrow = element.clientWidth < 480;
    var legendRows = spec.series.length > 1 ? (narrow ? 2 : 1) : 0;
    var categories = { type: "category", data: spec.labels, axisLabel: { hideOverlap: true, fontSize: size } };
    if (horizontal) {
      // Long names of goods are cut short beside their bars; the table below has them whole.
      Object.assign(categories.axisLabel, { width: narrow ? 96 : 180, overflow: "truncate" });
    }
    var numbers = { type: "value", minInterval: 1, axisLabel: { fontSize: size } };
    return {
      color: PALETTE,
      animation: false,
      aria: { enabled: false },
      textStyle: { fontSize: size },
      // Tooltips drawn inside the chart, not as HTML with inline styles the CSP would refuse.
      tooltip: { trigger: "axis", renderMode: "richText", textStyle: { fontSize: size } },
      legend: legendRows ? { top: 0, textStyle: { fontSize: size } } : { show: false },
      grid: { left: 8, right: 16, top: 12 + legendRows * (size + 14), bottom: 8, containLabel: true },
      xAxis: horizontal ? numbers : categories,
      yAxis: horizontal ? Object.assign({ inverse: true }, categories) : numbers,
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: spec.kind === "line" ? "line" : "bar",
          data: s.values,
          symbolSize: 6,
          barMaxWidth: 32
        };
      })
    };
  }

  document.querySelectorAll(".chart[data-chart]").forEach(function (element) {
    var spec = JSON.parse(element.getAttribute("data-chart"));
    var chart = echarts.init(element);
    chart.setOption(option(spec, element));
    element.classList.add("drawn");
    drawn.push(chart);
  });

  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) {
      chart.resize();
    });
  });
})();
