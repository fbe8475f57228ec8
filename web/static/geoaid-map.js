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

  function fmt(value) {
    return typeof value === "number" ? value.toLocaleString() : value;
  }

  // Sector keys ("health") as labels in the page's language.
  function sectorLabel(key, labels) {
    return (labels.sectors && labels.sectors[key]) || key;
  }

  function sectorList(keys, labels) {
    if (!keys) return keys;
    return String(keys).split(",").map(function (k) { return sectorLabel(k.trim(), labels); })
      .filter(function (k) { return k; }).join("; ");
  }

  // Zone outlines: one style for the map layer and its legend swatch.
  var ZONE_STYLES = {
    ethnic_minority: {color: "#5e3c99", weight: 2.5, dashArray: "6 4", fill: false},
    coastal: {color: "#0571b0", weight: 3, fill: false}
  };

  function popupFor(props, options) {
    var labels = options.labels;
    var code = props.commune_code || props.code || props.id;
    // Light (national) layers carry only name and colour: fetch the figures when the popup opens.
    if (props.gap_score === undefined && props.funding_usd === undefined && code && options.communeApiUrl) {
      var holder = el("div", null, "geoaid-popup");
      holder.appendChild(el("strong", props.commune_name || props.name));
      holder.appendChild(el("div", labels.loadingPopup, "small text-muted"));
      fetch(options.communeApiUrl.replace("CODE", encodeURIComponent(code)))
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (detail) {
          var full = Object.assign({}, detail.commune, {id: code});
          full.projects = (detail.projects || []).slice(0, 8);
          var box = popupFor(full, Object.assign({}, options, {communeApiUrl: null}));
          holder.replaceChildren.apply(holder, Array.prototype.slice.call(box.childNodes));
        })
        .catch(function () { holder.lastChild.textContent = labels.failed; });
      return holder;
    }
    var box = el("div", null, "geoaid-popup");
    var title = el("strong", props.commune_name || props.name);
    box.appendChild(title);
    if (code && options.communeUrl) {
      var link = el("a", " ↗");
      link.href = options.communeUrl.replace("CODE", encodeURIComponent(code));
      link.className = "commune-link";
      link.title = labels.openCommune || "";
      box.appendChild(link);
    }
    var dl = el("dl", null, "mb-0");
    [[labels.district, props.district], [labels.province, props.province],
     [labels.area, props.area_km2], [labels.priority, props.priority_score],
     [labels.gap, props.gap_score], [labels.rank, props.gap_rank],
     [labels.gapBasis, (labels.gapBases || {})[props.gap_basis]],
     [labels.classes, props.classes], [labels.funding, props.funding_usd],
     [labels.population, props.population], [labels.perPerson, props.funding_usd_per_person],
     [labels.peopleTargeted, props.people_targeted || null], [labels.peopleReached, props.people_reached || null],
     [labels.peopleReachedPct, props.people_reached ? props.people_reached_pct : null],
     [labels.missing, sectorList(props.sectors_missing, labels)]].forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") return;
      dl.appendChild(el("dt", pair[0]));
      dl.appendChild(el("dd", fmt(pair[1]), "mb-1"));
    });
    box.appendChild(dl);
    if (props.projects && props.projects.length) {
      box.appendChild(el("div", labels.projects + " (" + (props.project_count || props.projects.length) + ")",
                         "fw-semibold mt-1"));
      var list = el("ul", null, "project-list mb-0 ps-3");
      props.projects.forEach(function (p) {
        list.appendChild(el("li", p.title + " — " + p.donor + " (" + sectorLabel(p.sector, labels) + ")"));
      });
      box.appendChild(list);
    }
    return box;
  }

  function legendControl(title, entries, sampleText, zones) {
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
      (zones || []).forEach(function (zone, i) {
        if (i === 0) div.appendChild(el("strong", zone.heading, "d-block mt-1"));
        var row = el("div", null, "zone-entry");
        var swatch = el("span", null, "swatch zone");
        swatch.style.borderColor = zone.style.color;
        swatch.style.borderStyle = zone.style.dashArray ? "dashed" : "solid";
        swatch.style.borderWidth = "2px";
        row.appendChild(swatch);
        row.appendChild(el("span", zone.label));
        div.appendChild(row);
      });
      if (sampleText) div.appendChild(el("div", sampleText, "sample"));
      return div;
    };
    return control;
  }

  // Offline, a tile request may fail at once (tileerror) or hang behind a
  // firewall for a minute; both count as "basemap unavailable" so the notice
  // shows within seconds. A tile that loads later clears it.
  function watchBasemap(map) {
    var notice = document.getElementById("basemap-offline");
    var loaded = false;
    function offline() {
      if (loaded) return;
      if (notice) notice.hidden = false;
      document.body.dataset.basemap = "offline";
    }
    var tiles = 0;
    map.eachLayer(function (layer) {
      if (layer instanceof L.TileLayer) {
        tiles += 1;
        layer.on("tileerror", offline);
        layer.on("tileload", function () {
          loaded = true;
          if (notice) notice.hidden = true;
          document.body.dataset.basemap = "online";
        });
      }
    });
    if (tiles) window.setTimeout(offline, 8000);
  }

  // Tooltip: the commune's name and, when known, its gap or funding figure.
  function tooltipFor(props, labels) {
    var box = el("span");
    box.appendChild(el("strong", props.commune_name || props.name));
    if (props.gap_score !== undefined && props.gap_score !== null) {
      box.appendChild(el("span", " · " + labels.gap + ": " + fmt(props.gap_score)));
    } else if (props.funding_usd !== undefined && props.funding_usd !== null) {
      box.appendChild(el("span", " · " + labels.funding + ": " + fmt(props.funding_usd)));
    }
    return box;
  }

  function zoneLayer(data, property, style) {
    return L.geoJSON(data, {
      filter: function (feature) { return feature.properties[property] === true; },
      style: function () { return style; },
      interactive: false
    });
  }

  function projectLayer(url, labels) {
    var cluster = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
    return fetch(url).then(function (r) { return r.ok ? r.json() : {features: []}; }).then(function (data) {
      data.features.forEach(function (feature) {
        var p = feature.properties, c = feature.geometry.coordinates;
        // An IATI location known only as an area is drawn faint and dashed at the commune's point.
        var approximate = p.precision === "approximate area";
        var marker = L.circleMarker([c[1], c[0]], {radius: 6, color: "#1a1a1a", weight: 1,
                                                   bubblingMouseEvents: false,  // no commune popup too
                                                   dashArray: approximate ? "2 2" : null,
                                                   fillColor: "#2c7fb8", fillOpacity: approximate ? 0.35 : 0.9});
        marker.bindPopup(function () {
          var box = el("div", null, "geoaid-popup project-popup");
          box.appendChild(el("strong", p.title));
          box.appendChild(el("div", labels.donor + ": " + p.donor));
          box.appendChild(el("div", labels.sector + ": " + sectorLabel(p.sector, labels)));
          box.appendChild(el("div", p.commune_name + " — " + fmt(p.amount_vnd) + " VND"));
          if (p.precision) {
            box.appendChild(el("div", labels.precision + ": " +
                               (approximate ? labels.approximateArea : labels.exactPoint)));
          }
          return box;
        });
        cluster.addLayer(marker);
      });
      return cluster;
    });
  }

  // Open local needs: one orange square marker per need; every text through textContent.
  function needLayer(url, labels) {
    var group = L.layerGroup();
    return fetch(url).then(function (r) { return r.ok ? r.json() : {features: []}; }).then(function (data) {
      data.features.forEach(function (feature) {
        var p = feature.properties, c = feature.geometry.coordinates;
        var marker = L.circleMarker([c[1], c[0]], {radius: 7, color: "#7f2704", weight: 1.5,
                                                   bubblingMouseEvents: false,  // no commune popup too
                                                   fillColor: "#fd8d3c", fillOpacity: 0.95});
        marker.bindPopup(function () {
          var box = el("div", null, "geoaid-popup need-popup");
          box.appendChild(el("strong", p.description));
          box.appendChild(el("div", p.place_name));
          box.appendChild(el("div", labels.sector + ": " + sectorLabel(p.sector, labels)));
          if (p.cost_vnd !== null) box.appendChild(el("div", labels.needCost + ": " + fmt(p.cost_vnd) + " VND"));
          if (p.priority !== null) box.appendChild(el("div", labels.needPriority + ": " + p.priority));
          box.appendChild(el("div", p.status === "partly" ? labels.needPartly + " (" + p.covered_pct + "%)"
                                                          : labels.needOpen));
          if (p.source) box.appendChild(el("div", p.source, "text-muted"));
          return box;
        });
        group.addLayer(marker);
      });
      group.featureCount = data.features.length;
      return group;
    });
  }

  function communeStyle(feature, data) {
    var props = feature.properties;
    // Light (national) layers name their legend entry ("k") instead of carrying a colour.
    var fill = props.fill || (data.legend && data.legend[props.k] ? data.legend[props.k].colour : "#cccccc");
    return {color: "#555", weight: 0.5, fillColor: fill, fillOpacity: 0.75, fill: true};
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
        var overlays = {};
        var communes = L.geoJSON(data, {
          style: function (feature) { return communeStyle(feature, data); },
          onEachFeature: function (feature, layer) {
            layer.bindTooltip(tooltipFor(feature.properties, options.labels), {sticky: true});
            feature.properties.id = feature.id;
            layer.bindPopup(function () { return popupFor(feature.properties, options); });
          }
        }).addTo(map);
        overlays[options.labels.communes] = communes;

        window.geoaidMap.map = map;
        window.geoaidMap.layers.communes = communes;
        // Pages with several maps (the planner's before/after) name them: each keeps its own layer.
        if (options.name) window.geoaidMap.named[options.name] = communes;
        // Gap collections always carry the zone flags (light ones omit them when false).
        var zones = [];
        if (data.view !== undefined) {
          overlays[options.labels.zoneEM] = zoneLayer(data, "ethnic_minority", ZONE_STYLES.ethnic_minority).addTo(map);
          overlays[options.labels.zoneCoastal] = zoneLayer(data, "coastal", ZONE_STYLES.coastal).addTo(map);
          window.geoaidMap.layers.zones = {ethnic_minority: overlays[options.labels.zoneEM],
                                           coastal: overlays[options.labels.zoneCoastal]};
          zones = [{heading: options.labels.zonesHeading, label: options.labels.zoneEM, style: ZONE_STYLES.ethnic_minority},
                   {heading: options.labels.zonesHeading, label: options.labels.zoneCoastal, style: ZONE_STYLES.coastal}];
        }
        if (options.highlight) {  // the commune a page is about: a thick outline, drawn last
          var own = data.features.filter(function (f) { return f.id === options.highlight; });
          window.geoaidMap.layers.highlight = L.geoJSON(own, {
            style: function () { return {color: "#000", weight: 4, fill: false}; }, interactive: false
          }).addTo(map);
        }
        if (options.tilesUrl && window.geoaidMap.useTiles) {  // geoaid-tiles.js
          var light = [communes].concat(zones.length ? [overlays[options.labels.zoneEM],
                                                        overlays[options.labels.zoneCoastal]] : []);
          window.geoaidMap.layers.tiles = window.geoaidMap.useTiles(map, data, options, light);
        }
        var control = L.control.layers(null, overlays, {collapsed: false}).addTo(map);
        legendControl(options.legendTitle, data.legend || [], options.sampleText, zones).addTo(map);
        if (status) status.textContent = data.features.length + " " + options.labels.communes;
        var more = [];
        if (options.projectsUrl) {
          more.push(projectLayer(options.projectsUrl, options.labels).then(function (layer) {
            layer.addTo(map);
            window.geoaidMap.layers.projects = layer;
            control.addOverlay(layer, options.labels.projectLocations);
          }));
        }
        if (options.needsUrl) {
          more.push(needLayer(options.needsUrl, options.labels).then(function (layer) {
            if (layer.featureCount) layer.addTo(map);
            window.geoaidMap.layers.needs = layer;
            control.addOverlay(layer, options.labels.openNeeds);
          }));
        }
        return Promise.all(more);
      })
      .then(function () {
        if (options.name) document.body.dataset["map" + options.name] = "yes";
        document.body.dataset.mapReady = "yes";
      })
      .catch(function (error) {
        if (status) status.textContent = options.labels.failed + " (" + error.message + ")";
        document.body.dataset.mapReady = "failed";
      });
  }

  // The map and its layers stay reachable (for the browser tests and for debugging).
  // popupFor, communeStyle and ZONE_STYLES are shared with geoaid-tiles.js.
  window.geoaidMap = {start: start, map: null, layers: {}, named: {},
                      popupFor: popupFor, communeStyle: communeStyle, zoneStyles: ZONE_STYLES};
})();
