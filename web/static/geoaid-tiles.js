/* geoaid map, zoomed in: the national map's communes as vector tiles (Leaflet.VectorGrid).
 *
 * Loaded after geoaid-map.js on the national map only. Below tilesMinZoom the
 * light GeoJSON layers are drawn; from it on, the tiles (/tiles/…, cut for each
 * zoom by geoaid.output.tiles). Tiles carry only commune code and name: colours
 * and popups come from the light layer's features, joined by code. Data text
 * goes through the same textContent-only popup code as the rest of the map.
 */
(function () {
  "use strict";

  // The communes' tile layer, styled from the light layer's features found by code.
  function fineLayer(data, options, map) {
    var byCode = {};
    data.features.forEach(function (f) { byCode[f.id] = f; });
    var layer = L.vectorGrid.protobuf(options.tilesUrl, {
      // SVG: each commune is a DOM path a click can find (tileFeatureCode); "interactive" lets it be hit.
      rendererFactory: L.svg.tile,
      interactive: true,
      maxNativeZoom: options.tilesMaxZoom,
      getFeatureId: function (f) { return f.properties.code; },
      vectorTileLayerStyles: {
        communes: function (props) {
          var feature = byCode[props.code];
          if (!feature) return [];  // filtered out: not drawn
          // A zone's outline is the commune's own outline here (the light zone layers are coarse).
          var zone = ["ethnic_minority", "coastal"].filter(function (f) { return feature.properties[f] === true; });
          var style = geoaidMap.communeStyle(feature, data);
          if (zone.length) {
            ["color", "weight", "dashArray"].forEach(function (k) { style[k] = geoaidMap.zoneStyles[zone[0]][k]; });
          }
          return style;
        }
      }
    });
    // The map's canvas (project and need markers) lies above the tile pane and takes the
    // clicks, so a click the markers do not take reaches the map: the commune is the tile
    // path under the pointer.
    map.on("click", function (e) {
      if (!map.hasLayer(layer)) return;
      var under = document.elementsFromPoint(e.originalEvent.clientX, e.originalEvent.clientY);
      var feature = byCode[tileFeatureCode(layer, under)];
      if (!feature) return;
      var props = Object.assign({}, feature.properties, {id: feature.id});
      L.popup().setLatLng(e.latlng).setContent(geoaidMap.popupFor(props, options)).openOn(map);
    });
    return layer;
  }

  // VectorGrid keeps each tile's drawn features by id (getFeatureId) in _vectorTiles[key]._features.
  function tileFeatureCode(layer, elements) {
    for (var key in layer._vectorTiles) {
      var features = layer._vectorTiles[key]._features;
      for (var code in features) {
        if (elements.indexOf(features[code].feature._path) >= 0) return code;
      }
    }
    return null;
  }

  // Below tilesMinZoom the light layers (communes, zone outlines) are drawn; from it on, the tiles
  // instead, and zooming out brings back the light layers that were shown.
  function switchByZoom(map, light, fine, minZoom) {
    var shown = light;
    function show() {
      if (map.getZoom() >= minZoom) {
        if (map.hasLayer(fine)) return;
        shown = light.filter(function (layer) { return map.hasLayer(layer); });
        shown.forEach(function (layer) { map.removeLayer(layer); });
        fine.addTo(map);
      } else if (map.hasLayer(fine)) {
        map.removeLayer(fine);
        shown.forEach(function (layer) { layer.addTo(map); });
      }
    }
    map.on("zoomend", show);
    show();
  }

  // The tile layer, shown instead of the ``light`` layers from options.tilesMinZoom on.
  window.geoaidMap.useTiles = function (map, data, options, light) {
    var fine = fineLayer(data, options, map);
    switchByZoom(map, light, fine, options.tilesMinZoom);
    return fine;
  };
})();
