/* The regions' boundaries behind a map drawn with the vendored Apache ECharts, fetched as the
   overview fetches them (dashboard/views.py `boundaries`): China, with the named provinces in
   detail and, for a view, only the box around it, simplified for the pixels the map spans.
   Loaded before the page's own map script (placement_map.js, three_w_map.js), which calls
   `PairAidMaps.boundaries(url, element, mapData)`. */
(function () {
  "use strict";

  // `url` is the boundaries endpoint (the page script's data-boundaries); `element` the map's
  // box; `mapData` carries `detail_provinces` and, for a view, `view.around` (pairing/maps.py).
  function boundaries(url, element, mapData) {
    var view = mapData.view;
    var ratio = Math.min(window.devicePixelRatio || 1, 2);
    // The pixels the fetched box spans: twice the view's (it is twice as wide; pairing/maps.py).
    var px = Math.round(Math.max(element.clientWidth, element.clientHeight, 200) * ratio * 2);
    var query = "?detail=" + mapData.detail_provinces.join(",") +
      (view ? "&box=" + view.around.join(",") + "&px=" + Math.min(px, 4000) : "");
    return fetch(url + query, { credentials: "same-origin" })
      .then(function (response) { return response.json(); });
  }

  window.PairAidMaps = { boundaries: boundaries };
})();
