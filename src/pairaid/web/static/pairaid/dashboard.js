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
  // The chart's rows carry both names; the map's participants come named in the page's language.
  var name = function (item) { return item.name || (zh && item.name_zh ? item.name_zh : item.name_en); };

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

  // From a light to a deep rose as the share of the highest coverage rises (the legend's ramp,
  // .legend-ramp in pairaid.css, runs between the same two colours).
  function shade(share) {
    var t = Math.max(0, Math.min(1, share));
    var low = [253, 224, 221], high = [197, 27, 138];
    var mix = low.map(function (c, i) { return Math.round(c + (high[i] - c) * t); });
    return "rgb(" + mix.join(",") + ")";
  }

  /* The programme map (dashboard/_map.html; data shaped by pairing/maps.py): one view at a time
     (the recipients' area, or every participant), one plan at a time (before / after), and the
     table beside it. Boundaries are fetched per view, cut to its box and pixel size. */
  var section = document.getElementById("programme-map");
  var state = { view: "recipients", plan: null };
  var boundaryCache = {};
  var chart = null;

  function participants() {
    var byId = {};
    mapData.participants.forEach(function (p) { byId[p.id] = p; });
    return byId;
  }

  function shownPlan() {
    var plans = mapData.plans;
    for (var i = 0; i < plans.length; i++) { if (plans[i].key === state.plan) { return plans[i]; } }
    return plans[plans.length - 1];
  }

  function highest() {
    if (!perUnit) { return 1; }
    var values = [];
    mapData.plans.forEach(function (plan) {
      Object.keys(plan.coverage).forEach(function (id) { values.push(plan.coverage[id]); });
    });
    return values.length ? Math.max.apply(null, values) || 1 : 1;
  }

  function coverageText(value) {
    if (value === undefined || value === null) { return null; }
    if (perUnit) { return value.toLocaleString(lang, { maximumFractionDigits: 3 }); }
    return Math.round(value * 100) + " %";
  }

  function donorsOf(plan) {
    var donors = {};
    plan.pairs.forEach(function (pair) { (donors[pair[1]] = donors[pair[1]] || []).push(pair[0]); });
    return donors;
  }

  // A programme keeps the codes valid at its time (安县 510724); boundary data may carry the
  // successor's code (510705) with the old one in `former_codes`: match on what the page uses.
  function useFormerCodes(geojson) {
    var used = {};
    mapData.participants.forEach(function (p) { if (p.code) { used[p.code] = true; } });
    geojson.features.forEach(function (f) {
      var former = (f.properties && f.properties.former_codes) || [];
      if (!used[f.properties.code]) {
        former.forEach(function (code) { if (used[code]) { f.properties.code = code; } });
      }
    });
    return geojson;
  }

  function shownView() {
    return mapData.views[state.view] || mapData.views.all;
  }

  function boundaries() {
    var view = shownView();
    var key = state.view;
    if (boundaryCache[key]) { return Promise.resolve(boundaryCache[key]); }
    var element = document.getElementById("map");
    var ratio = Math.min(window.devicePixelRatio || 1, 2);
    // The pixels the fetched box spans: twice the view's (it is twice as wide; pairing/maps.py).
    var px = Math.round(Math.max(element.clientWidth, element.clientHeight, 200) * ratio * 2);
    var query = "?detail=" + mapData.detail_provinces.join(",") +
      (view ? "&box=" + view.around.join(",") + "&px=" + Math.min(px, 4000) : "");
    return fetch(script.dataset.boundaries + query, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (geojson) { boundaryCache[key] = useFormerCodes(geojson); return geojson; });
  }

  function render(geojson) {
    var element = document.getElementById("map");
    // The name "china" gives ECharts' South China Sea inset wherever the view reaches it.
    echarts.registerMap("china", geojson);
    chart = chart || echarts.init(element);
    var byId = participants();
    var plan = shownPlan();
    var other = mapData.plans.filter(function (p) { return p !== plan; })[0];
    var otherPairs = {};
    if (other) { other.pairs.forEach(function (pair) { otherPairs[pair.join(">")] = true; }); }
    var max = highest();
    var donors = donorsOf(plan);
    var areaNames = {};
    geojson.features.forEach(function (f) { areaNames[f.properties.code] = f.properties.name; });
    var byCode = {};
    mapData.participants.forEach(function (p) { if (p.code && p.role === "recipient") { byCode[p.code] = p; } });

    function recipientTip(p) {
      var value = coverageText(plan.coverage[p.id]);
      var names = (donors[p.id] || []).map(function (id) { return byId[id] ? name(byId[id]) : id; });
      return name(p) + (p.approximate ? " (" + words.approximate + ")" : "") + "<br>" + words.coverage + ": " + (value === null ? words.noFigure : value) +
        "<br>" + words.donors + ": " + (names.length ? names.join(zh ? "、" : ", ") : words.none);
    }

    var regions = Object.keys(byCode).map(function (code) {
      var value = plan.coverage[byCode[code].id];
      return value === undefined ? { name: code } : { name: code, itemStyle: { areaColor: shade(value / max) } };
    });
    var recipients = mapData.participants.filter(function (p) { return p.role === "recipient" && p.coord; });
    var donorPoints = mapData.participants.filter(function (p) { return p.role === "donor" && p.coord; });
    var series = [
      { type: "scatter", name: "recipients", coordinateSystem: "geo", zlevel: 3, symbolSize: 7,
        labelLayout: { hideOverlap: true },
        label: { show: true, position: "right", fontSize: 11, color: "#1d2733", formatter: function (item) { return item.name; } },
        data: recipients.map(function (p) {
          var value = plan.coverage[p.id];
          return { name: name(p), value: p.coord, tip: recipientTip(p),
            itemStyle: { color: value === undefined ? "#9aa7b4" : shade(value / max), borderColor: "#5b6878", borderWidth: 1 } };
        }) }
    ];
    if (state.view === "all") {
      series.push({ type: "scatter", name: "donors", coordinateSystem: "geo", zlevel: 3, symbolSize: 6,
        labelLayout: { hideOverlap: true },
        label: { show: true, position: "left", fontSize: 10, color: "#1f5f99", formatter: function (item) { return item.name; } },
        data: donorPoints.map(function (p) { return { name: name(p), value: p.coord, tip: name(p), itemStyle: { color: "#1f5f99" } }; }) });
      // The shown plan's pairs; those the other plan lacks are the changes, drawn stronger.
      series.push({ type: "lines", name: "pairs", coordinateSystem: "geo", zlevel: 2,
        data: plan.pairs.filter(function (pair) { return byId[pair[0]] && byId[pair[1]] && byId[pair[0]].coord && byId[pair[1]].coord; })
          .map(function (pair) {
            var changed = other && !otherPairs[pair.join(">")];
            return { coords: [byId[pair[0]].coord, byId[pair[1]].coord],
              tip: name(byId[pair[0]]) + " → " + name(byId[pair[1]]),
              lineStyle: { color: changed ? "#b4232a" : "#1f5f99", width: changed ? 2.2 : 1, opacity: changed ? 0.9 : 0.45, curveness: 0.2 } };
          }) });
    }
    var view = shownView();
    var box = view && view.box;
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (item) {
        if (item.data && item.data.tip) { return item.data.tip; }
        var recipient = byCode[item.name];
        if (recipient) { return recipientTip(recipient); }
        return areaNames[item.name] || "";
      } },
      geo: { map: "china", roam: true, nameProperty: "code", regions: regions,
        boundingCoords: box ? [[box[0], box[3]], [box[2], box[1]]] : null,
        left: 8, right: 8, top: 8, bottom: 8,
        itemStyle: { areaColor: "#f3f5f7", borderColor: "#9aa7b4" },
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#e3e8ee" } }, tooltip: { show: true } },
      series: series
    }, { notMerge: true });
    document.getElementById("legend-high").textContent = coverageText(max);
    var pressed = section.querySelector("[data-plan][aria-pressed=true]");
    var view = section.querySelector("[data-view][aria-pressed=true]");
    element.setAttribute("aria-label", baseLabel + (pressed ? " " + pressed.textContent + "." : "") + (view ? " " + view.textContent + "." : ""));
  }

  function writeTable() {
    var table = document.getElementById("map-table");
    var byId = participants();
    var first = mapData.plans[mapData.plans.length - 1];
    var rows = mapData.participants.filter(function (p) { return p.role === "recipient"; });
    rows.sort(function (a, b) {
      var x = first.coverage[a.id], y = first.coverage[b.id];
      return (x === undefined ? Infinity : x) - (y === undefined ? Infinity : y) || name(a).localeCompare(name(b));
    });
    var body = document.createElement("tbody");
    rows.forEach(function (p) {
      var row = body.insertRow();
      var cell = document.createElement("th");
      cell.scope = "row";
      cell.textContent = name(p);
      row.appendChild(cell);
      mapData.plans.forEach(function (plan) {
        var value = coverageText(plan.coverage[p.id]);
        var figure = row.insertCell();
        figure.className = "n";
        figure.textContent = value === null ? table.dataset.noFigure : value;
        var names = (donorsOf(plan)[p.id] || []).map(function (id) { return byId[id] ? name(byId[id]) : id; });
        row.insertCell().textContent = names.length ? names.join(zh ? "、" : ", ") : table.dataset.none;
      });
    });
    table.replaceChild(body, table.tBodies[0]);
  }

  var words = {};
  var baseLabel = "";

  function drawMap() {
    var element = document.getElementById("map");
    if (!element || !section) { return; }
    var table = document.getElementById("map-table");
    words = { coverage: table.dataset.coverage, donors: table.dataset.donors,
      none: table.dataset.none, noFigure: table.dataset.noFigure, approximate: table.dataset.approximate };
    baseLabel = element.getAttribute("aria-label");
    var planButton = section.querySelector("[data-plan][aria-pressed=true]");
    state.plan = planButton ? planButton.dataset.plan : null;
    writeTable();
    if (!window.echarts) { return; }
    function redraw() { return boundaries().then(render); }
    section.querySelectorAll("[data-view], [data-plan]").forEach(function (button) {
      button.addEventListener("click", function () {
        var kind = button.dataset.view ? "view" : "plan";
        section.querySelectorAll("[data-" + kind + "]").forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
        state[kind] = button.dataset[kind];
        redraw();
      });
    });
    window.addEventListener("resize", function () { if (chart) { chart.resize(); } });
    return redraw();
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
