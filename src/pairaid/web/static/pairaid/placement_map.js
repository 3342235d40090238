/* A placement recommendation on the map (operations/placement.html; data shaped by
   operations/queries/placement_map.py), drawn with the vendored Apache ECharts: the regions'
   boundaries as the overview draws them (fetched by map_boundaries.js), a point per receiving
   region coloured by the farthest tier its patients come at, and an arrow per line, wider for
   more patients. The table beside the map is written by the server. */
(function () {
  "use strict";
  var script = document.currentScript;
  var embedded = document.getElementById("map-data");
  var element = document.getElementById("map");
  if (!embedded || !element || !window.echarts) { return; }
  var mapData = JSON.parse(embedded.textContent);

  // The tiers' colours are the legend's (pairaid.css): one place for them.
  function tierColour(tier) {
    var dot = document.querySelector(".legend-dot.tier-" + tier);
    return dot ? window.getComputedStyle(dot).backgroundColor : "#5b6878";
  }

  function render(geojson) {
    // The name "china" gives ECharts' South China Sea inset wherever the view reaches it.
    echarts.registerMap("china", geojson);
    var chart = echarts.init(element);
    var byId = {};
    mapData.regions.forEach(function (r) { byId[r.id] = r; });
    var receivers = mapData.receivers.filter(function (r) { return byId[r.region] && byId[r.region].coord; });
    var most = Math.max.apply(null, mapData.arcs.map(function (a) { return a.patients; }).concat([1]));
    // A move within one region has no length to draw: its receiving point and the table say it.
    var arcs = mapData.arcs.filter(function (a) {
      return byId[a.from] && byId[a.to] && byId[a.from].coord && byId[a.to].coord && a.from !== a.to;
    });
    var box = mapData.view && mapData.view.box;
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (item) { return (item.data && item.data.tip) || ""; } },
      geo: { map: "china", roam: true, nameProperty: "code",
        regions: receivers.map(function (r) { return { name: byId[r.region].code, itemStyle: { areaColor: "#eef1f4" } }; }),
        boundingCoords: box ? [[box[0], box[3]], [box[2], box[1]]] : null,
        left: 8, right: 8, top: 8, bottom: 8,
        itemStyle: { areaColor: "#f3f5f7", borderColor: "#9aa7b4" },
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#e3e8ee" } }, tooltip: { show: false } },
      series: [
        { type: "lines", name: "transfers", coordinateSystem: "geo", zlevel: 2,
          symbol: ["none", "arrow"], symbolSize: 9,
          data: arcs.map(function (a) {
            return { coords: [byId[a.from].coord, byId[a.to].coord],
              tip: byId[a.from].name + " → " + byId[a.to].name + ": " + a.patients,
              lineStyle: { color: tierColour(a.tier), width: 1.5 + 6 * a.patients / most, opacity: 0.8, curveness: 0.2 } };
          }) },
        { type: "scatter", name: "receivers", coordinateSystem: "geo", zlevel: 3, symbolSize: 11,
          labelLayout: { hideOverlap: true },
          label: { show: true, position: "right", fontSize: 11, color: "#1d2733", formatter: function (item) { return item.name; } },
          data: receivers.map(function (r) {
            var region = byId[r.region];
            return { name: region.name, value: region.coord, tier: r.tier, tip: region.name + ": " + r.patients,
              itemStyle: { color: tierColour(r.tier), borderColor: "#1d2733", borderWidth: 1 } };
          }) }
      ]
    }, { notMerge: true });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  PairAidMaps.boundaries(script.dataset.boundaries, element, mapData).then(render);
})();
