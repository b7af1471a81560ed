/**
 * The live view's page: one self-contained HTML document (inline CSS and script,
 * nothing fetched but the server's own /api/view), so it works offline. The
 * script polls /api/view and redraws when the run changed; the DAG is SVG drawn
 * from the layout the server computed with dagre.
 */

const STYLE = String.raw`
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { background: #2b3a4a; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: baseline; }
header h1 { font-size: 16px; margin: 0; }
main { padding: 8px 16px 32px; }
h2 { font-size: 15px; margin: 18px 0 6px; }
h3 { font-size: 13px; margin: 14px 0 4px; }
table { border-collapse: collapse; background: #fff; margin-bottom: 6px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f4; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.job { cursor: pointer; }
tr.job.selected { background: #fff6d6; }
.status { font-weight: 600; }
.status-succeeded { color: #1e7e34; } .status-running { color: #0056b3; } .status-failed { color: #c82333; } .status-queued { color: #6c757d; }
.metrics span { display: inline-block; margin-right: 14px; }
.muted { color: #777; }
.error { color: #c82333; white-space: pre-wrap; }
svg.dag { background: #fff; border: 1px solid #ddd; }
svg.dag rect { stroke-width: 1.5; rx: 4; }
svg.dag .n-succeeded rect { fill: #d4edda; stroke: #28a745; }
svg.dag .n-running rect { fill: #cce5ff; stroke: #007bff; }
svg.dag .n-failed rect { fill: #f8d7da; stroke: #dc3545; }
svg.dag .n-skipped rect, svg.dag .n-pending rect { fill: #eee; stroke: #999; stroke-dasharray: 4 3; }
svg.dag .n-shared rect { fill: #e8dcf5; stroke: #7b4fb3; }
svg.dag text { font-size: 11px; fill: #222; }
svg.dag text.label { font-weight: 600; font-size: 12px; }
svg.dag path { fill: none; stroke: #555; stroke-width: 1.3; marker-end: url(#arrow); }
details { margin: 2px 0; }
`;

const SCRIPT = String.raw`
(function () {
  var version = -1, view = null, pinned = null; // pinned: the job the user clicked; else the page follows the latest
  function esc(v) { return String(v === undefined || v === null ? "" : v).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function ms(v) { return v === undefined || v === null ? "" : v < 1000 ? v.toFixed(1) + " ms" : (v / 1000).toFixed(2) + " s"; }
  function bytes(v) { if (!v) return "0 B"; var u = ["B", "KiB", "MiB", "GiB"], i = 0; while (v >= 1024 && i < 3) { v /= 1024; i++; } return (i ? v.toFixed(1) : v) + " " + u[i]; }
  function status(s) { return '<span class="status status-' + esc(s) + '">' + esc(s) + "</span>"; }
  function side(s) { if (!s) return ""; return esc(s.source) + (s.actualBytes !== undefined ? ", " + bytes(s.actualBytes) + " exact" : s.estimatedBytes !== undefined ? ", ~" + bytes(s.estimatedBytes) : "") + " (" + s.partitionsMeasured + "/" + s.partitions + " partitions measured)"; }

  function poolsTable(pools) {
    if (!pools.length) return "";
    var rows = pools.map(function (p) {
      return "<tr><td>" + esc(p.name) + "</td><td>" + esc(p.mode) + '</td><td class="num">' + p.weight + '</td><td class="num">' + p.minShare + '</td><td class="num">' + p.running + '</td><td class="num">' + p.waiting + '</td><td class="num">' + p.jobsRun + '</td><td class="num">' + p.jobsFailed + '</td><td class="num">' + ms(p.totalJobMs) + '</td><td class="num">' + ms(p.totalQueuedMs) + '</td><td class="num">' + p.tasksRun + "</td></tr>";
    });
    return "<h2>Pools</h2><table id=\"pools\"><tr><th>pool</th><th>mode</th><th>weight</th><th>minShare</th><th>running</th><th>waiting</th><th>jobs run</th><th>failed</th><th>job time</th><th>queued</th><th>tasks</th></tr>" + rows.join("") + "</table>";
  }

  function jobsTable(jobs) {
    var rows = jobs.slice().reverse().map(function (j) {
      var m = j.metrics || {};
      var done = j.stages.reduce(function (n, s) { return n + s.tasksDone; }, 0), total = j.stages.reduce(function (n, s) { return n + s.tasks; }, 0);
      return '<tr class="job' + (view.detail && j.id === view.detail.id ? " selected" : "") + '" data-job="' + j.id + '"><td class="num">' + j.id + "</td><td>" + esc(j.description) + "</td><td>" + esc(j.pool) + "</td><td>" + status(j.status) + '</td><td class="num">' + ms(j.queuedMs) + '</td><td class="num">' + ms(j.durationMs) + '</td><td class="num">' + j.stages.length + '</td><td class="num">' + done + "/" + total + '</td><td class="num">' + bytes(m.shuffleBytesWritten) + '</td><td class="num">' + bytes(m.shuffleBytesRead) + '</td><td class="num">' + bytes(m.spillBytes) + '</td><td class="num">' + (m.cacheHits || 0) + '</td><td class="num">' + j.joins.length + "</td></tr>";
    });
    return "<h2>Jobs (" + jobs.length + ")</h2><table id=\"jobs\"><tr><th>job</th><th>description</th><th>pool</th><th>status</th><th>queued</th><th>duration</th><th>stages</th><th>tasks</th><th>shuffle write</th><th>shuffle read</th><th>spill</th><th>cache hits</th><th>joins</th></tr>" + rows.join("") + "</table>";
  }

  function dagSvg(dag) {
    if (!dag || !dag.nodes.length) return '<p class="muted">no stages yet</p>';
    var parts = ['<svg class="dag" id="dag" xmlns="http://www.w3.org/2000/svg" width="' + Math.ceil(dag.width) + '" height="' + Math.ceil(dag.height) + '" viewBox="0 0 ' + Math.ceil(dag.width) + " " + Math.ceil(dag.height) + '"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555" stroke="none"/></marker></defs>'];
    dag.edges.forEach(function (e) {
      if (!e.points.length) return;
      parts.push('<path d="M' + e.points.map(function (p) { return p.x.toFixed(1) + "," + p.y.toFixed(1); }).join(" L") + '"/>');
    });
    dag.nodes.forEach(function (n) {
      var x = n.x - n.width / 2, y = n.y - n.height / 2;
      parts.push('<g class="node n-' + esc(n.status) + '" data-node="' + esc(n.id) + '"><title>' + esc(n.detail) + '</title><rect x="' + x + '" y="' + y + '" width="' + n.width + '" height="' + n.height + '"/><text class="label" x="' + (x + 8) + '" y="' + (y + 17) + '">' + esc(n.label) + " \u00b7 " + esc(n.status) + '</text><text x="' + (x + 8) + '" y="' + (y + 34) + '">' + esc(n.detail.length > 36 ? n.detail.slice(0, 35) + "\u2026" : n.detail) + "</text></g>");
    });
    parts.push("</svg>");
    return parts.join("");
  }

  function joinsTable(joins) {
    if (!joins.length) return '<p class="muted">no joins in this job</p>';
    return '<table id="joins"><tr><th>site</th><th>strategy</th><th>reason</th><th>left</th><th>right</th></tr>' + joins.map(function (d) {
      return '<tr class="join"><td>' + (d.site ? esc(d.site) : '<span class="muted">(not compiled by rddopt)</span>') + "</td><td><b>" + esc(d.strategy) + "</b></td><td>" + esc(d.reason) + "</td><td>" + side(d.left) + "</td><td>" + side(d.right) + "</td></tr>";
    }).join("") + "</table>";
  }

  function totalsCells(t) {
    if (!t) return '</td><td></td><td></td><td></td><td>';
    return '</td><td class="num">' + bytes(t.shuffleBytesWritten) + '</td><td class="num">' + bytes(t.shuffleBytesRead) + '</td><td class="num">' + bytes(t.spillBytes) + '</td><td class="num">' + t.cacheHits;
  }

  function stagesTable(stages) {
    if (!stages.length) return '<p class="muted">no stages yet</p>';
    return '<table id="stages"><tr><th>stage</th><th>name</th><th>status</th><th>tasks</th><th>duration</th><th>reads shuffles</th><th>shuffle write</th><th>shuffle read</th><th>spill</th><th>cache hits</th><th>task times</th></tr>' + stages.map(function (s) {
      var tasks = s.taskList.map(function (t) { return "p" + t.partition + ": " + (t.durationMs === undefined ? t.status : ms(t.durationMs)) + (t.error ? " (" + esc(t.error) + ")" : ""); });
      var more = s.tasks > s.taskList.length ? " \u2026 (" + (s.tasks - s.taskList.length) + " more)" : "";
      return '<tr class="stage"><td class="num">' + s.id + "</td><td>" + esc(s.name) + "</td><td>" + status(s.status) + '</td><td class="num">' + s.tasksDone + "/" + s.tasks + (s.tasksFailed ? " (" + s.tasksFailed + " failed)" : "") + '</td><td class="num">' + ms(s.durationMs) + "</td><td>" + esc(s.parents.join(", ")) + totalsCells(s.totals) + "</td><td><details><summary>" + s.taskList.length + " tasks</summary>" + esc(tasks.join(", ")) + more + "</details></td></tr>";
    }).join("") + "</table>";
  }

  function jobDetail(j) {
    if (!j) return '<p class="muted">no jobs yet</p>';
    var m = j.metrics;
    var figures = m ? '<p class="metrics"><span>stages ' + m.stages + "</span><span>tasks " + m.tasks + "</span><span>wall " + ms(m.wallMs) + "</span><span>shuffle written " + bytes(m.shuffleBytesWritten) + " (" + m.shuffleRecordsWritten + " records)</span><span>shuffle read " + bytes(m.shuffleBytesRead) + "</span><span>broadcast " + bytes(m.broadcastBytes) + "</span><span>spilled " + bytes(m.spillBytes) + "</span><span>cache hits " + m.cacheHits + "</span></p>" : '<p class="muted">running\u2026</p>';
    return '<h2 id="job-title">Job ' + j.id + ": " + esc(j.description) + " " + status(j.status) + "</h2>" + '<p class="muted">pool ' + esc(j.pool) + (j.queuedMs !== undefined ? " \u00b7 waited " + ms(j.queuedMs) : "") + "</p>" + figures + (j.error ? '<p class="error">' + esc(j.error) + "</p>" : "") + "<h3>Stage DAG</h3>" + dagSvg(j.dag) + "<h3>Join decisions</h3>" + joinsTable(j.joins) + "<h3>Stages</h3>" + stagesTable(j.stages);
  }

  function render() {
    var jobs = view.jobs, job = view.detail;
    document.getElementById("state").textContent = view.live ? "live" : "saved run";
    document.getElementById("started").textContent = "started " + view.startedAt + " \u00b7 " + ms(view.lastEventAt) + " recorded" + (view.droppedTaskEvents ? " \u00b7 " + view.droppedTaskEvents + " task events not kept" : "") + (view.forgottenJobs ? " \u00b7 " + view.forgottenJobs + " oldest jobs forgotten" : "");
    var open = {};
    document.querySelectorAll("#detail details").forEach(function (d, i) { if (d.open) open[i] = true; });
    document.getElementById("overview").innerHTML = poolsTable(view.pools) + jobsTable(jobs);
    document.getElementById("detail").innerHTML = jobDetail(job);
    document.querySelectorAll("#detail details").forEach(function (d, i) { if (open[i]) d.open = true; });
    document.body.setAttribute("data-version", String(version));
  }

  document.addEventListener("click", function (e) {
    var row = e.target.closest && e.target.closest("tr.job");
    if (!row) return;
    pinned = Number(row.getAttribute("data-job"));
    version = -1; // the detail changes: fetch it whatever the run's version
    refresh();
  });

  function refresh() {
    return fetch("api/view?since=" + version + (pinned === null ? "" : "&job=" + pinned)).then(function (r) { return r.json(); }).then(function (body) {
      if (body.version !== version) { version = body.version; view = body.view; render(); }
      return body.view.live;
    });
  }

  function poll() {
    refresh().then(function (live) {
      if (live) setTimeout(poll, 500);
    }).catch(function () {
      document.getElementById("state").textContent = "disconnected";
      setTimeout(poll, 2000);
    });
  }
  poll();
})();
`;

export function renderPage(title: string): string {
  const safeTitle = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${safeTitle}</title><style>${STYLE}</style></head>
<body><header><h1>${safeTitle}</h1><span id="state">loading</span><span id="started"></span></header>
<main><div id="overview"></div><div id="detail"></div></main>
<script>${SCRIPT}</script></body></html>
`;
}
