/* Money by year, drawn with Chart.js (served by the app from node_modules, no CDN).
 *
 * geoaidCharts.start({url, kind, words}) reads /api/v1/flows?by=sector (the same
 * series as `geoaid flows`) and draws two charts:
 *   #chart-by-sector      stacked bars: the `kind` money (planned, committed or disbursed) per year
 *                         and sector, in million VND;
 *   #chart-disbursement   commitments and disbursements per year, with the disbursement
 *                         rate (disbursed / committed, %) as a line on its own axis.
 * With mode "donors" it reads /api/v1/flows?by=donor and draws #chart-donors instead: each
 * donor's commitments and disbursements over all years, its disbursement rate beside its name.
 * Sector and donor names are drawn as canvas text and status messages set as textContent: names
 * from the data never become markup.
 */
var geoaidCharts = (function () {
  "use strict";

  // ColorBrewer Dark2 (colour-blind safe), as the map's province view.
  var PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"];
  var MILLION = 1e6;

  function distinct(values) {
    var seen = [];
    values.forEach(function (v) { if (seen.indexOf(v) < 0) { seen.push(v); } });
    return seen;
  }

  function sumBy(rows, years, column, keep) {
    return years.map(function (year) {
      return rows.reduce(function (total, row) {
        return total + (row.year === year && keep(row) ? row[column] : 0);
      }, 0);
    });
  }

  function millions(values) {
    return values.map(function (v) { return Math.round(v / MILLION * 10) / 10; });
  }

  function axes(words, extra) {
    var scales = {
      x: {stacked: true},
      y: {stacked: true, beginAtZero: true, title: {display: true, text: words.million}}
    };
    return Object.assign(scales, extra || {});
  }

  function drawSectors(canvas, answer, years, kind, words) {
    var rows = answer.series;
    var sectors = distinct(rows.map(function (r) { return r.sector; }));
    var datasets = sectors.map(function (sector, i) {
      return {
        label: String(answer.labels[sector] || sector),
        data: millions(sumBy(rows, years, kind + "_vnd", function (r) { return r.sector === sector; })),
        backgroundColor: PALETTE[i % PALETTE.length]
      };
    });
    return new Chart(canvas, {
      type: "bar",
      data: {labels: years.map(String), datasets: datasets},
      options: {responsive: true, maintainAspectRatio: false, animation: false,
                plugins: {title: {display: true, text: words.bySector}}, scales: axes(words)}
    });
  }

  function drawDisbursement(canvas, answer, years, words) {
    var all = function () { return true; };
    var committed = sumBy(answer.series, years, "committed_vnd", all);
    var disbursed = sumBy(answer.series, years, "disbursed_vnd", all);
    var rate = years.map(function (_, i) {
      return committed[i] > 0 ? Math.round(1000 * disbursed[i] / committed[i]) / 10 : null;
    });
    return new Chart(canvas, {
      data: {
        labels: years.map(String),
        datasets: [
          {type: "bar", label: words.committed, data: millions(committed), backgroundColor: "#7570b3"},
          {type: "bar", label: words.disbursed, data: millions(disbursed), backgroundColor: "#1b9e77"},
          {type: "line", label: words.rate, data: rate, yAxisID: "rate", borderColor: "#d95f02",
           backgroundColor: "#d95f02", spanGaps: true}
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {title: {display: true, text: words.commitDisburse}},
        scales: axes(words, {
          x: {stacked: false},
          y: {stacked: false, beginAtZero: true, title: {display: true, text: words.million}},
          rate: {position: "right", beginAtZero: true, suggestedMax: 100,
                 title: {display: true, text: words.rate}, grid: {drawOnChartArea: false}}
        })
      }
    });
  }

  function drawDonors(canvas, answer, words) {
    var donors = distinct(answer.series.map(function (r) { return r.donor; }));
    var totals = donors.map(function (donor) {
      var rows = answer.series.filter(function (r) { return r.donor === donor; });
      var sum = function (column) { return rows.reduce(function (t, r) { return t + r[column]; }, 0); };
      return {donor: donor, committed: sum("committed_vnd"), disbursed: sum("disbursed_vnd")};
    }).filter(function (d) { return d.committed > 0 || d.disbursed > 0; });
    totals.sort(function (a, b) { return b.committed - a.committed || b.disbursed - a.disbursed; });
    totals = totals.slice(0, 15);
    if (!totals.length) { return null; }
    var labels = totals.map(function (d) {
      var rate = d.committed > 0 ? Math.round(1000 * d.disbursed / d.committed) / 10 + " %" : "–";
      return String(d.donor) + " (" + words.rate + ": " + rate + ")";
    });
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          {label: words.committed, data: millions(totals.map(function (d) { return d.committed; })),
           backgroundColor: "#7570b3"},
          {label: words.disbursed, data: millions(totals.map(function (d) { return d.disbursed; })),
           backgroundColor: "#1b9e77"}
        ]
      },
      options: {indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
                plugins: {title: {display: true, text: words.commitDisburse}},
                scales: {x: {beginAtZero: true, title: {display: true, text: words.million}}}}
    });
  }

  function start(options) {
    var status = document.getElementById("flow-charts-status");
    var box = document.getElementById("flow-charts");
    fetch(options.url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (answer) {
        var years = distinct(answer.series.map(function (r) { return r.year; })).sort();
        if (options.mode === "donors") {
          var drawn = drawDonors(document.getElementById("chart-donors"), answer, options.words);
          status.textContent = drawn ? "" : options.words.none;
        } else if (!years.length) {
          status.textContent = options.words.none;
        } else {
          drawSectors(document.getElementById("chart-by-sector"), answer, years, options.kind, options.words);
          drawDisbursement(document.getElementById("chart-disbursement"), answer, years, options.words);
          status.textContent = "";
        }
        box.dataset.chartsReady = "yes";
      })
      .catch(function () {
        status.textContent = options.words.failed;
        box.dataset.chartsReady = "failed";
      });
  }

  return {start: start};
})();
