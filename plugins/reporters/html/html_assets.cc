#include "plugins/reporters/html/html_assets.h"

namespace sp::html {

const char kPageStyle[] = R"css(
:root {
  --fg: #1f2933; --muted: #616e7c; --line: #d9dee5; --bg: #ffffff; --panel: #f5f7fa;
  --ok: #1b7f4c; --ok-bg: #e6f4ec; --warn: #8a5a00; --warn-bg: #fff4db; --bad: #b42318; --bad-bg: #fdecea;
  --c-rps: #2563eb; --c-p50: #2563eb; --c-p95: #d97706; --c-p99: #dc2626; --c-errors: #dc2626;
  --c-users: #059669; --c-planned: #7b8794; --c-bar: #60a5fa;
  --p0: #2563eb; --p1: #d97706; --p2: #059669; --p3: #9333ea; --p4: #dc2626; --p5: #0891b2; --p6: #a16207; --p7: #db2777;
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 8px; }
h1 { font-size: 24px; margin: 0; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 14px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.title-row { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; }
.verdict { font-weight: 700; font-size: 13px; letter-spacing: .06em; padding: 3px 10px; border-radius: 999px; }
.verdict.ok { color: var(--ok); background: var(--ok-bg); }
.verdict.warn { color: var(--warn); background: var(--warn-bg); }
.verdict.bad { color: var(--bad); background: var(--bad-bg); }
.description { margin: 6px 0 0; color: var(--muted); }
.meta { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 14px 0; }
.meta div { min-width: 90px; }
.meta dt { font-size: 12px; color: var(--muted); }
.meta dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.muted { color: var(--muted); font-weight: 400; }
.banner { padding: 9px 14px; border-radius: 6px; margin: 8px 0; border-left: 4px solid; }
.banner ul { margin: 4px 0 0; padding-left: 20px; }
.banner.ok { color: var(--ok); background: var(--ok-bg); }
.banner.warn { color: var(--warn); background: var(--warn-bg); }
.banner.bad { color: var(--bad); background: var(--bad-bg); }
.banner a { color: inherit; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin-top: 18px; }
.tile { background: var(--panel); border-radius: 8px; padding: 10px 14px; }
.tile .label { font-size: 12px; color: var(--muted); }
.tile .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .unit { font-size: 13px; font-weight: 400; color: var(--muted); }
.tile .sub { font-size: 12px; color: var(--muted); }
.note { color: var(--muted); font-size: 13px; margin: 4px 0 10px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 14px 22px; }
.charts.single { grid-template-columns: repeat(auto-fit, minmax(520px, 620px)); }
.chart-figure { margin: 0; }
.chart-figure figcaption { font-weight: 600; margin-bottom: 2px; }
.chart-figure .unit { color: var(--muted); font-weight: 400; }
svg.chart { width: 100%; height: auto; display: block; overflow: visible; }
svg.chart text { font-size: 11px; fill: var(--muted); }
svg.chart .y-label { text-anchor: end; }
svg.chart .x-label { text-anchor: middle; }
svg.chart .grid line { stroke: var(--line); stroke-width: 1; }
svg.chart .frame { fill: none; stroke: #aab4bf; stroke-width: 1; }
svg.chart .stage-band { fill: #eef1f5; }
svg.chart .stage-band.odd { fill: #e1e6ec; }
svg.chart .chaos-band { fill: rgba(220, 38, 38, .12); stroke: rgba(220, 38, 38, .5); stroke-dasharray: 4 3; }
svg.chart .workload-band { fill-opacity: .2; stroke: none; }
svg.chart .band-label { fill: #52606d; font-size: 10px; }
svg.chart .workload-label { fill: var(--fg); }
svg.chart .bar { fill: var(--c-bar); }
svg.chart .mark { stroke-width: 1.5; stroke-dasharray: 5 3; }
svg.chart .chaos-label { fill: var(--bad); }
svg.chart .event-marker { stroke: #7b8794; stroke-width: 1.2; stroke-dasharray: 1 3; }
svg.chart .series { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
svg.chart .series.dashed { stroke-dasharray: 6 4; stroke-width: 1.5; }
svg.chart .point { stroke: #fff; stroke-width: 1; }
svg.chart .cursor { stroke: #323f4b; stroke-width: 1; }
svg.chart .no-data { text-anchor: middle; font-size: 13px; }
.s-rps { stroke: var(--c-rps); fill: var(--c-rps); color: var(--c-rps); }
.s-p50 { stroke: var(--c-p50); fill: var(--c-p50); color: var(--c-p50); }
.s-p95 { stroke: var(--c-p95); fill: var(--c-p95); color: var(--c-p95); }
.s-p99 { stroke: var(--c-p99); fill: var(--c-p99); color: var(--c-p99); }
.s-errors { stroke: var(--c-errors); fill: var(--c-errors); color: var(--c-errors); }
.s-users { stroke: var(--c-users); fill: var(--c-users); color: var(--c-users); }
.s-planned-rate, .s-planned-users { stroke: var(--c-planned); fill: var(--c-planned); color: var(--c-planned); }
.s-bar { color: var(--c-bar); }
.p0 { stroke: var(--p0); fill: var(--p0); color: var(--p0); }
.p1 { stroke: var(--p1); fill: var(--p1); color: var(--p1); }
.p2 { stroke: var(--p2); fill: var(--p2); color: var(--p2); }
.p3 { stroke: var(--p3); fill: var(--p3); color: var(--p3); }
.p4 { stroke: var(--p4); fill: var(--p4); color: var(--p4); }
.p5 { stroke: var(--p5); fill: var(--p5); color: var(--p5); }
.p6 { stroke: var(--p6); fill: var(--p6); color: var(--p6); }
.p7 { stroke: var(--p7); fill: var(--p7); color: var(--p7); }
svg.chart path.series { fill: none; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: var(--muted); min-height: 18px; }
.legend .key i { display: inline-block; width: 18px; height: 0; border-top: 3px solid currentColor; vertical-align: middle; margin-right: 5px; }
.legend .key.dashed i { border-top-style: dashed; }
.legend .readout { margin-left: auto; color: var(--fg); font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
th { font-size: 12px; color: var(--muted); font-weight: 600; cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
.num { text-align: right; white-space: nowrap; }
tr.bad td { background: var(--bad-bg); }
.result.pass { color: var(--ok); font-weight: 600; }
.result.fail { color: var(--bad); font-weight: 700; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 0 28px; }
.empty { color: var(--muted); }
.page-errors { background: var(--bad-bg); color: var(--bad); padding: 10px 24px; }
footer { max-width: 1240px; margin: 24px auto; padding: 10px 24px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); }
@media print { .legend .readout, svg.chart .cursor { display: none; } .charts { grid-template-columns: 1fr; } }
)css";

const char kErrorTrapScript[] = R"js(
(function () {
  'use strict';
  var box = document.getElementById('sp-errors');
  function record(message) {
    var count = Number(box.getAttribute('data-count')) + 1;
    box.setAttribute('data-count', String(count));
    box.hidden = false;
    var item = document.createElement('li');
    item.textContent = String(message);
    box.querySelector('ul').appendChild(item);
  }
  window.addEventListener('error', function (e) {
    var where = e.filename ? ' (' + e.filename + ':' + e.lineno + ')' : '';
    record((e.message || ('could not load ' + ((e.target && (e.target.src || e.target.href)) || 'a resource'))) + where);
  }, true);
  window.addEventListener('unhandledrejection', function (e) { record('unhandled rejection: ' + e.reason); });
  document.addEventListener('securitypolicyviolation', function (e) {
    record('blocked by the page\'s Content-Security-Policy: ' + e.violatedDirective + ' ' + e.blockedURI);
  });
  var consoleError = console.error;
  console.error = function () {
    record(Array.prototype.join.call(arguments, ' '));
    return consoleError.apply(console, arguments);
  };
})();
)js";

const char kPageScript[] = R"js(
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('sp-data').textContent);

  function format(v) {
    if (v === null || v === undefined) return '–';
    var a = Math.abs(v);
    if (a === Math.round(a)) return String(v);
    return v.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3);
  }
  function clock(s) {
    var t = Math.round(s);
    if (t < 120) return t + 's';
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    if (t < 3600) return Math.floor(t / 60) + ':' + pad(t % 60);
    return Math.floor(t / 3600) + ':' + pad(Math.floor(t / 60) % 60) + ':' + pad(t % 60);
  }
  // Index of the x nearest to `x` (xs ascending), or -1 when there is none.
  function nearest(xs, x) {
    if (!xs.length) return -1;
    var lo = 0, hi = xs.length - 1;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (xs[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo > 0 && x - xs[lo - 1] < xs[lo] - x ? lo - 1 : lo;
  }

  // The read-out at bar or point i of a chart: time charts share data.x; the latency
  // distribution has its own bars (data.distribution).
  function reader(svg) {
    var chart = data.charts[svg.id.replace(/^chart-/, '')];
    if (chart) {
      return { x: data.x, text: function (i) {
        var parts = chart.series.map(function (s) { return s.label + ' ' + format(s.values[i]); });
        return clock(data.t[i]) + ': ' + parts.join(', ') + ' ' + chart.unit;
      } };
    }
    var dist = data.distribution;
    if (svg.id === 'chart-distribution' && dist) return { x: dist.x, text: function (i) { return dist.text[i]; } };
    return null;
  }

  var charts = document.querySelectorAll('svg.chart');
  Array.prototype.forEach.call(charts, function (svg) {
    var read = reader(svg);
    var cursor = svg.querySelector('.cursor');
    var readout = svg.parentNode.querySelector('.readout');
    if (!read || !cursor || !readout) return;
    svg.addEventListener('mousemove', function (e) {
      var matrix = svg.getScreenCTM();
      if (!matrix) return;
      var p = svg.createSVGPoint();
      p.x = e.clientX;
      p.y = e.clientY;
      var i = nearest(read.x, p.matrixTransform(matrix.inverse()).x);
      if (i < 0) return;
      cursor.setAttribute('x1', read.x[i]);
      cursor.setAttribute('x2', read.x[i]);
      cursor.setAttribute('visibility', 'visible');
      readout.textContent = read.text(i);
    });
    svg.addEventListener('mouseleave', function () {
      cursor.setAttribute('visibility', 'hidden');
      readout.textContent = '';
    });
  });

  function sortKey(cell) {
    var v = cell.getAttribute('data-v');
    return v !== null ? parseFloat(v) : cell.textContent.toLowerCase();
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    var headers = table.querySelectorAll('th');
    Array.prototype.forEach.call(headers, function (th, column) {
      th.addEventListener('click', function () {
        var body = table.tBodies[0];
        var direction = th.getAttribute('aria-sort') === 'descending' ? 1 : -1;
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', direction < 0 ? 'descending' : 'ascending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortKey(a.cells[column]), y = sortKey(b.cells[column]);
          if (typeof x !== typeof y) { x = String(x); y = String(y); }
          return (x < y ? -1 : x > y ? 1 : 0) * direction;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  // file:///report.html#sp-selftest: hover every chart and sort every table once, so a
  // headless browser exercises the handlers; any error lands in #sp-errors.
  if (location.hash === '#sp-selftest') {
    var hovered = 0;
    Array.prototype.forEach.call(charts, function (svg) {
      var r = svg.getBoundingClientRect();
      svg.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true }));
      var readout = svg.parentNode.querySelector('.readout');
      if (readout && readout.textContent) hovered += 1;
    });
    Array.prototype.forEach.call(tables, function (table) {
      var th = table.querySelector('th:nth-child(2)') || table.querySelector('th');
      if (th) th.click();
    });
    document.body.setAttribute('data-selftest', hovered + '/' + charts.length + ' charts');
  }
  document.body.setAttribute('data-ready', '1');
})();
)js";

}  // namespace sp::html
