/* The programme overview's map and chart, drawn with the vendored Apache ECharts. */
(function () {
  "use strict";
  var script = document.currentScript;
  var lang = script.dataset.lang || "en";
  var perUnit = script.dataset.perUnit === "1";
  var zh = lang.indexOf("zh") === 0;
  // The plan run page embeds its map data; the overview fetches it (large at national scale).
  var embedded = document.getElementById("map-data");
  var mapData = embedded ? JSON.parse(embedded.textContent) : null;
  var chartElement = document.getElementById("chart-data");
  var chartData = chartElement ? JSON.parse(chartElement.textContent) : [];
  var name = function (item) { return zh && item.name_zh ? item.name_zh : item.name_en; };

  function drawChart() {
    var element = document.getElementById("chart");
    if (!element || !window.echarts) { return; }
    var chart = echarts.init(element);
    // Series names come from the server, in the user's language (codes only as a last resort).
    var labelElement = document.getElementById("chart-labels");
    var labels = labelElement ? JSON.parse(labelElement.textContent) : { need: {}, paired: {} };
    var series = [];
    ["need", "paired"].forEach(function (kind) {
      var codes = {};
      chartData.forEach(function (row) { Object.keys(row[kind]).forEach(function (r) { codes[r] = true; }); });
      Object.keys(codes).forEach(function (r) {
        series.push({ name: labels[kind][r] || r, type: "bar", data: chartData.map(function (row) { return row[kind][r] === undefined ? null : row[kind][r]; }) });
      });
    });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 90, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: chartData.map(name), inverse: true },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // From a light to a deep rose as the share of the highest coverage rises.
  function shade(share) {
    var t = Math.max(0, Math.min(1, share));
    var low = [253, 224, 221], high = [197, 27, 138];
    var mix = low.map(function (c, i) { return Math.round(c + (high[i] - c) * t); });
    return "rgb(" + mix.join(",") + ")";
  }

  function arcSets() {
    return mapData.arc_sets || [{ name: "pairs", color: "#1f5f99", arcs: mapData.arcs || [] }];
  }

  // A programme keeps the codes valid at its time (安县 510724); boundary data may carry the
  // successor's code (510705) with the old one in `former_codes`: match on what the page uses.
  function useFormerCodes(geojson) {
    var used = {};
    mapData.points.forEach(function (p) { used[p.code] = true; });
    mapData.coverage.forEach(function (c) { used[c.code] = true; });
    geojson.features.forEach(function (f) {
      var former = (f.properties && f.properties.former_codes) || [];
      if (!used[f.properties.code]) {
        former.forEach(function (code) { if (used[code]) { f.properties.code = code; } });
      }
    });
  }

  function drawMap() {
    var element = document.getElementById("map");
    if (!element || !window.echarts) { return; }
    var url = script.dataset.boundaries + "?detail=" + mapData.detail_provinces.join(",");
    return fetch(url, { credentials: "same-origin" }).then(function (response) { return response.json(); }).then(function (geojson) {
      useFormerCodes(geojson);
      echarts.registerMap("china", geojson);  // the name "china" gives ECharts' South China Sea inset
      var chart = echarts.init(element);
      var values = mapData.coverage.map(function (c) { return c.value; });
      var max = perUnit ? (values.length ? Math.max.apply(null, values) : 1) : 1;
      var points = mapData.points.map(function (p) {
        return { name: name(p), value: p.coord, itemStyle: { color: p.role === "donor" ? "#1f5f99" : "#b4232a" } };
      });
      // Recipients shaded by coverage (light = low, dark = high); every other area stays grey.
      var regions = mapData.coverage.map(function (c) {
        return { name: c.code, itemStyle: { areaColor: shade(max ? c.value / max : 0) },
                 tooltip: { formatter: c.name + ": " + (perUnit ? c.value.toFixed(3) : Math.round(c.value * 100) + " %") } };
      });
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (item) {
          if (item.seriesType === "lines") { return item.data.label; }
          return item.name;
        } },
        geo: { map: "china", roam: true, nameProperty: "code", regions: regions,
          itemStyle: { areaColor: "#f3f5f7", borderColor: "#9aa7b4" },
          emphasis: { label: { show: false }, itemStyle: { areaColor: "#e3e8ee" } }, tooltip: { show: true } },
        series: [
          { type: "scatter", coordinateSystem: "geo", zlevel: 3, symbolSize: 6, data: points }
        ].concat(arcSets().map(function (set) {
          return { type: "lines", name: set.name, coordinateSystem: "geo", zlevel: 2,
            effect: { show: true, symbol: "arrow", symbolSize: 5, period: 6 },
            lineStyle: { color: set.color, width: 1.4, opacity: 0.75, curveness: 0.25 },
            data: set.arcs.map(function (a) { return { coords: a.coords, label: a.donor + " → " + a.recipient }; }) };
        }))
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function loadMapData() {
    if (mapData || !script.dataset.map) { return Promise.resolve(mapData); }
    return fetch(script.dataset.map, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) { mapData = data; return data; });
  }

  if (document.getElementById("chart-data")) { drawChart(); }
  loadMapData().then(function (data) { if (data) { return drawMap(); } });
})();
