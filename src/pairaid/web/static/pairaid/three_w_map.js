/* The 3W on the map (projects/three_w.html; data shaped by projects/maps.py), drawn with the
   vendored Apache ECharts: the regions' boundaries as the overview draws them (fetched by
   map_boundaries.js), a point per place with projects (a township without a point of its own
   at its parent's, said in its tooltip), each donor's point, and a line from a donor to each
   place it builds in. The table below the map is written by the server. */
(function () {
  "use strict";
  var script = document.currentScript;
  var embedded = document.getElementById("map-data");
  var element = document.getElementById("map");
  if (!embedded || !element || !window.echarts) { return; }
  var mapData = JSON.parse(embedded.textContent);

  // The tooltip is HTML: names are escaped, as text a user may have typed.
  function escaped(text) {
    return String(text).replace(/[&<>"']/g, function (ch) { return "&#" + ch.charCodeAt(0) + ";"; });
  }

  function tip(place) {
    return escaped(place.name + (place.approximate ? " (≈)" : "")) + "<br>" + place.cells.map(function (c) {
      return escaped(c.donor + " · " + c.sector + " · " + c.projects);
    }).join("<br>");
  }

  function render(geojson) {
    echarts.registerMap("china", geojson);
    var chart = echarts.init(element);
    var byId = {};
    mapData.places.concat(mapData.donors).forEach(function (r) { byId[r.id] = r; });
    var places = mapData.places.filter(function (p) { return p.coord; });
    var lines = mapData.lines.filter(function (l) {
      return byId[l[0]] && byId[l[1]] && byId[l[0]].coord && byId[l[1]].coord;
    });
    var box = mapData.view && mapData.view.box;
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (item) { return (item.data && item.data.tip) || ""; } },
      geo: { map: "china", roam: true, nameProperty: "code",
        boundingCoords: box ? [[box[0], box[3]], [box[2], box[1]]] : null,
        left: 8, right: 8, top: 8, bottom: 8,
        itemStyle: { areaColor: "#f3f5f7", borderColor: "#9aa7b4" },
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#e3e8ee" } }, tooltip: { show: false } },
      series: [
        { type: "lines", name: "builds", coordinateSystem: "geo", zlevel: 2,
          data: lines.map(function (l) {
            return { coords: [byId[l[0]].coord, byId[l[1]].coord], tip: escaped(byId[l[0]].name + " → " + byId[l[1]].name),
              lineStyle: { color: "#5b6878", width: 1.5, opacity: 0.6, curveness: 0.2 } };
          }) },
        { type: "scatter", name: "places", coordinateSystem: "geo", zlevel: 3, symbolSize: 12,
          labelLayout: { hideOverlap: true },
          label: { show: true, position: "right", fontSize: 11, color: "#1d2733", formatter: function (item) { return item.name; } },
          data: places.map(function (p) {
            return { name: p.name, value: p.coord, tip: tip(p),
              itemStyle: { color: "#2f6f9f", borderColor: "#1d2733", borderWidth: 1 } };
          }) },
        { type: "scatter", name: "donors", coordinateSystem: "geo", zlevel: 3, symbol: "diamond", symbolSize: 9,
          data: mapData.donors.filter(function (d) { return d.coord; }).map(function (d) {
            return { name: d.name, value: d.coord, tip: escaped(d.name), itemStyle: { color: "#b5562b" } };
          }) }
      ]
    }, { notMerge: true });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  PairAidMaps.boundaries(script.dataset.boundaries, element, mapData).then(render);
})();
