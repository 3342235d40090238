/* A recipient's forecast charts, drawn with the vendored Apache ECharts: the 90 % and 50 % bands
   (model output) as stacked areas, the forecast median, and the observed daily record overlaid.
   The page's tables hold the same figures for readers without the chart. */
(function () {
  "use strict";
  var dataElement = document.getElementById("forecast-data");
  if (!dataElement || !window.echarts) { return; }
  var data = JSON.parse(dataElement.textContent);
  var labels = data.labels;

  function column(rows, key) { return rows.map(function (row) { return row[key]; }); }
  function width(rows, low, high) {
    return rows.map(function (row) { return row[low] === null ? null : row[high] - row[low]; });
  }
  // A band is two stacked series: its lower edge, drawn invisibly, and its width on top of it.
  // Both carry the band's colour: the legend takes its icon from the first.
  function band(rows, name, stack, low, high, opacity) {
    var colour = { color: "#3b6ea8", opacity: opacity };
    return [
      { name: name, type: "line", stack: stack, data: column(rows, low), symbol: "none",
        itemStyle: colour, lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true },
      { name: name, type: "line", stack: stack, data: width(rows, low, high), symbol: "none",
        itemStyle: colour, lineStyle: { opacity: 0 }, areaStyle: colour }
    ];
  }

  function whole(value) { return value === null ? "–" : Math.round(value).toLocaleString(); }
  function tip(row) {
    var lines = [row.day];
    if (row.observed !== null) { lines.push(labels.observed + ": " + whole(row.observed)); }
    if (row.median !== null) {
      lines.push(labels.median + ": " + whole(row.median));
      lines.push(labels.band_50 + ": " + whole(row.low_50) + " – " + whole(row.high_50));
      lines.push(labels.band_90 + ": " + whole(row.low_90) + " – " + whole(row.high_90));
    }
    var box = document.createElement("div");
    lines.forEach(function (text) { var line = document.createElement("div"); line.textContent = text; box.appendChild(line); });
    return box.innerHTML;
  }

  data.targets.forEach(function (target) {
    var element = document.querySelector('[data-forecast-target="' + target.key + '"]');
    if (!element) { return; }
    var rows = target.rows;
    var chart = echarts.init(element);
    // A census was never observed: its chart has no observed line and no legend entry for one.
    var legend = target.observed ? [labels.observed] : [];
    chart.setOption({
      animation: false,
      // The bands are drawn as widths stacked on their lower edges: the tooltip gives the
      // intervals themselves, from the rows, never a width.
      tooltip: { trigger: "axis", formatter: function (params) { return tip(rows[params[0].dataIndex]); } },
      legend: { top: 0, data: legend.concat([labels.median, labels.band_50, labels.band_90]) },
      grid: { left: 60, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: column(rows, "day") },
      yAxis: { type: "value", min: 0 },
      series: band(rows, labels.band_90, "b90", "low_90", "high_90", 0.2)
        .concat(band(rows, labels.band_50, "b50", "low_50", "high_50", 0.35))
        .concat([
          { name: labels.median, type: "line", data: column(rows, "median"), symbol: "none",
            lineStyle: { color: "#3b6ea8", type: "dashed" },
            markLine: { symbol: "none", silent: true, label: { formatter: labels.origin },
              data: [{ xAxis: data.origin }] } }
        ]).concat(target.observed ? [
          { name: labels.observed, type: "line", data: column(rows, "observed"),
            connectNulls: false, symbolSize: 5, lineStyle: { color: "#222" }, itemStyle: { color: "#222" } }
        ] : [])
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();

/* A recipient's outcome trends (evaluation of results): case fatality and recovery from the
   daily record, with the dates staff arrived marked. Descriptive: no line is fitted. */
(function () {
  "use strict";
  var dataElement = document.getElementById("evaluation-data");
  var element = document.getElementById("evaluation-chart");
  if (!dataElement || !element || !window.echarts) { return; }
  var data = JSON.parse(dataElement.textContent);
  var labels = data.labels;
  var marks = data.arrivals.map(function (day) { return { xAxis: day, label: { formatter: labels.arrival } }; });
  if (data.paired_from) { marks.push({ xAxis: data.paired_from, label: { formatter: labels.paired_from } }); }
  var percent = function (value) { return value === null ? "–" : (value * 100).toFixed(1) + " %"; };
  var chart = echarts.init(element);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: percent },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.days },
    yAxis: { type: "value", min: 0, axisLabel: { formatter: percent } },
    series: [
      { name: labels.case_fatality, type: "line", data: data.case_fatality, symbol: "none",
        markLine: { symbol: "none", silent: true, data: marks } },
      { name: labels.recovered_share, type: "line", data: data.recovered_share, symbol: "none" }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
