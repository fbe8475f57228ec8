/* geoaid map layers: fetch GeoJSON from the API and draw it on a folium map.
 *
 * All text that comes from data (commune, project and donor names) is put in
 * the page with textContent, never innerHTML, so a hostile name renders as
 * text and runs nothing. Basemap tile errors show a notice; the data layers
 * do not depend on the basemap.
 */
(function () {
  "use strict";

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function describe(props, labels) {
    var box = el("div", null, "geoaid-popup");
    box.appendChild(el("strong", props.name));
    var dl = el("dl", null, "mb-0");
    [[labels.district, props.district], [labels.province, props.province],
     [labels.area, props.area_km2]].forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined) return;
      dl.appendChild(el("dt", pair[0]));
      dl.appendChild(el("dd", pair[1], "mb-1"));
    });
    box.appendChild(dl);
    return box;
  }

  function legendControl(title, entries, sampleText) {
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
      var div = el("div", null, "geoaid-legend");
      div.id = "geoaid-legend";
      div.appendChild(el("strong", title));
      entries.forEach(function (entry) {
        var row = el("div");
        var swatch = el("span", null, "swatch");
        swatch.style.background = entry.colour;
        row.appendChild(swatch);
        row.appendChild(el("span", entry.label));
        div.appendChild(row);
      });
      if (sampleText) div.appendChild(el("div", sampleText, "sample"));
      return div;
    };
    return control;
  }

  function watchBasemap(map) {
    var notice = document.getElementById("basemap-offline");
    map.eachLayer(function (layer) {
      if (layer instanceof L.TileLayer) {
        layer.on("tileerror", function () {
          if (notice) notice.hidden = false;
          document.body.dataset.basemap = "offline";
        });
      }
    });
  }

  function start(options) {
    var map = window[options.map];
    var status = document.getElementById("map-status");
    watchBasemap(map);
    fetch(options.dataUrl, {headers: {"Accept": "application/geo+json"}})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: function (feature) {
            return {color: "#444", weight: 0.6, fillColor: feature.properties.fill, fillOpacity: 0.65};
          },
          onEachFeature: function (feature, featureLayer) {
            featureLayer.bindTooltip(el("span", feature.properties.name), {sticky: true});
            featureLayer.bindPopup(function () { return describe(feature.properties, options.labels); });
          }
        }).addTo(map);
        L.control.layers(null, (function () { var o = {}; o[options.labels.communes] = layer; return o; })(),
                         {collapsed: false}).addTo(map);
        legendControl(options.legendTitle, data.legend || [], data.sample_notice).addTo(map);
        if (status) status.textContent = data.features.length + " " + options.labels.communes;
        document.body.dataset.mapReady = "yes";
      })
      .catch(function (error) {
        if (status) status.textContent = options.labels.failed + " (" + error.message + ")";
        document.body.dataset.mapReady = "failed";
      });
  }

  window.geoaidMap = {start: start};
})();
