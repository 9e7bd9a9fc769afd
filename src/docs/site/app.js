// The mdw docs site: a hash-routed single page over window.MDW_DOCS (written by `mdw docs generate`).
// Routes: #overview, #lineage[?select=…], #erd, #dashboard, #runs, #iceberg, #search?q=…, #node/<unique_id>.
(() => {
  const DATA = window.MDW_DOCS;
  const main = document.getElementById('main');
  const LAYER_COLORS = {
    raw: '#8c959f',
    stg: '#54aeff',
    snp: '#c297ff',
    std: '#4ac26b',
    cur: '#f0883e',
    other: '#bf8700',
  };
  const charts = [];
  let graphs = [];

  const esc = (value) =>
    String(value ?? '').replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );
  const fmt = (n, digits = 0) =>
    typeof n === 'number'
      ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
      : esc(n);
  const bytes = (n) => {
    if (typeof n !== 'number') return '';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let v = n;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
  };
  const link = (id, text) =>
    `<a href="#node/${encodeURIComponent(id)}">${esc(text ?? DATA.nodes[id]?.name ?? id)}</a>`;
  const badge = (status) =>
    status
      ? `<span class="badge ${esc(status)}">${esc(status)}</span>`
      : '<span class="badge">not run</span>';

  /**
   * What selectors run over: every node and source (tests too, as in dbt, so `@x` reaches the
   * parents of x's tests); only the lineage graph's own nodes are drawn.
   */
  const graphNodes = {};
  const inLineage = new Set(DATA.lineage.nodes.map((n) => n.id));
  for (const node of Object.values(DATA.nodes)) {
    if (node.type === 'macro') continue;
    graphNodes[node.id] = {
      name: node.name,
      type: node.type,
      fqn: node.fqn,
      path: node.path,
      tags: node.tags.concat(Array.isArray(node.config.tags) ? node.config.tags : []),
      package: node.package,
      config: node.config,
      parents: node.parents,
      children: node.children,
    };
  }

  function destroyViews() {
    for (const chart of charts.splice(0)) chart.destroy();
    for (const cy of graphs) cy.destroy();
    graphs = [];
  }

  // ---------- lineage graphs (cytoscape, preset layered positions) ----------
  function drawGraph(container, visibleIds, focusId) {
    const visible = new Set(visibleIds);
    const elements = [];
    for (const n of DATA.lineage.nodes) {
      if (!visible.has(n.id)) continue;
      elements.push({
        group: 'nodes',
        data: {
          id: n.id,
          label: n.name,
          layer: n.layer,
          type: n.type,
          color: LAYER_COLORS[n.layer] ?? LAYER_COLORS.other,
        },
        position: { x: n.x, y: n.y },
        classes: n.id === focusId ? 'focus' : '',
      });
    }
    for (const [from, to] of DATA.lineage.edges) {
      if (visible.has(from) && visible.has(to))
        elements.push({ group: 'edges', data: { id: `${from}->${to}`, source: from, target: to } });
    }
    const cy = window.cytoscape({
      container,
      elements,
      layout: { name: 'preset', fit: true, padding: 30 },
      minZoom: 0.1,
      maxZoom: 3,
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'background-color': 'data(color)',
            shape: 'round-rectangle',
            width: 200,
            height: 34,
            'font-size': 11,
            'text-valign': 'center',
            'text-halign': 'center',
            'text-wrap': 'ellipsis',
            'text-max-width': 190,
            color: '#111',
          },
        },
        { selector: 'node[type = "source"]', style: { shape: 'barrel' } },
        { selector: 'node[type = "snapshot"]', style: { shape: 'cut-rectangle' } },
        { selector: 'node.focus', style: { 'border-width': 3, 'border-color': '#0d1b2a' } },
        {
          selector: 'edge',
          style: {
            width: 1.4,
            'line-color': '#9aa4af',
            'target-arrow-color': '#9aa4af',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
          },
        },
      ],
    });
    cy.on('tap', 'node', (event) => {
      location.hash = `#node/${encodeURIComponent(event.target.id())}`;
    });
    graphs.push(cy);
    return cy;
  }

  function legend() {
    return `<div class="legend">${Object.entries(LAYER_COLORS)
      .map(([layer, color]) => `<span><i style="background:${color}"></i>${layer}</span>`)
      .join('')}<span class="muted">scroll to zoom, drag to pan, click a node to open it</span></div>`;
  }

  function renderLineage(params) {
    const selector = params.get('select') ?? '';
    main.innerHTML = `<h1>Lineage</h1>
      <p class="muted">Every model, source, seed and snapshot, in layers from left to right (raw → stg → snp → std → cur).</p>
      <form class="toolbar" id="lineage-form">
        <input id="lineage-filter" name="select" placeholder="selector, e.g. +mdw_cur_ft_sales or tag:daily" value="${esc(selector)}">
        <button type="submit">Filter</button> <button type="button" id="lineage-reset">Show all</button>
        <span id="lineage-count" class="muted"></span> <span id="lineage-error" class="error-text"></span>
      </form>${legend()}<div id="lineage-graph" class="graph"></div>`;
    let ids = [...inLineage];
    if (selector.trim()) {
      try {
        ids = [...window.MdwSelect.select(graphNodes, selector)];
      } catch (error) {
        document.getElementById('lineage-error').textContent = error.message;
      }
    }
    const cy = drawGraph(document.getElementById('lineage-graph'), ids, null);
    window.mdwLineage = cy;
    document.getElementById('lineage-count').textContent =
      `${cy.nodes().length} nodes, ${cy.edges().length} edges`;
    document.getElementById('lineage-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = document.getElementById('lineage-filter').value.trim();
      location.hash = value ? `#lineage?select=${encodeURIComponent(value)}` : '#lineage';
    });
    document.getElementById('lineage-reset').addEventListener('click', () => {
      location.hash = '#lineage';
    });
  }

  // ---------- node pages ----------
  function columnsTable(node) {
    if (node.columns.length === 0)
      return '<p class="muted">No columns known (not built yet, or not a relation).</p>';
    const rows = node.columns
      .map((c) => {
        const tests = c.tests
          .map((t) => `<a href="#node/${encodeURIComponent(t.id)}">${esc(t.name)}</a> ${badge(t.status)}`)
          .join('<br>');
        const stats = c.stats
          ? `nulls ${fmt(c.stats.nulls)} · distinct ${fmt(c.stats.distinct)}${c.stats.min !== null ? ` · ${esc(c.stats.min)} … ${esc(c.stats.max)}` : ''}`
          : '';
        const from = c.lineage.map((e) => `${link(e.node)}.${esc(e.column)}`).join(', ');
        return `<tr data-column="${esc(c.name)}"><td><code>${esc(c.name)}</code></td><td>${esc(c.type ?? '')}</td><td>${esc(c.description)}</td><td>${tests}</td><td class="muted">${stats}</td><td>${from}</td></tr>`;
      })
      .join('');
    return `<table class="columns"><thead><tr><th>Column</th><th>Type</th><th>Description</th><th>Tests (last status)</th><th>Statistics</th><th>Computed from</th></tr></thead><tbody>${rows}</tbody></table>`;
  }

  function icebergSection(node) {
    const ice = node.iceberg;
    if (!ice) return '';
    const [schema, table] = [node.relation ? node.relation.split('.').slice(-2, -1)[0] : '', node.name];
    const qualified = `${(schema ?? '').replaceAll('"', '')}.${table}`;
    const snapshots = ice.snapshots
      .slice()
      .reverse()
      .map(
        (s) =>
          `<tr><td><code>${esc(s.id)}</code></td><td>${esc(s.committed_at)}</td><td>${esc(s.operation)}</td><td class="num">${fmt(s.added_records)}</td><td class="num">${fmt(s.deleted_records)}</td><td class="num">${fmt(s.total_records)}</td><td class="num">${fmt(s.total_files)}</td><td class="num">${bytes(s.total_bytes)}</td><td>${s.current ? badge('success').replace('success', 'current') : ''}</td></tr>`,
      )
      .join('');
    const partitions = ice.partitions
      .slice(0, 400)
      .map(
        (p) =>
          `<tr><td><code>${esc(p.partition)}</code></td><td class="num">${fmt(p.records)}</td><td class="num">${fmt(p.files)}</td><td class="num">${bytes(p.bytes)}</td></tr>`,
      )
      .join('');
    const first = ice.snapshots[0];
    return `<h2>Iceberg table</h2>
      <div class="cards"><div class="card"><div class="muted">records</div><div class="value">${fmt(ice.records)}</div></div>
      <div class="card"><div class="muted">data files</div><div class="value">${fmt(ice.files)}</div></div>
      <div class="card"><div class="muted">size</div><div class="value">${bytes(ice.bytes)}</div></div>
      <div class="card"><div class="muted">partitions</div><div class="value">${fmt(ice.partitions.length)}</div></div>
      <div class="card"><div class="muted">snapshots</div><div class="value">${fmt(ice.snapshots.length)}</div></div></div>
      <h3>Snapshots over time</h3><div class="chart-box"><canvas id="snapshot-chart"></canvas></div>
      <table class="snapshots"><thead><tr><th>Snapshot</th><th>Committed (UTC)</th><th>Operation</th><th class="num">Added</th><th class="num">Deleted</th><th class="num">Total records</th><th class="num">Files</th><th class="num">Size</th><th></th></tr></thead><tbody>${snapshots}</tbody></table>
      <h3>Time travel</h3>
      <pre>mdw iceberg history ${esc(qualified)}
mdw show --inline "select count(*) from ${esc(qualified)}" --as-of ${esc(first ? first.id : '<snapshot-id>')}
mdw show --inline "select count(*) from ${esc(qualified)}" --as-of '${esc(first ? first.committed_at.replace('T', ' ').replace(/\.\d+Z$/, '') : '2026-01-01 00:00:00')}'
mdw iceberg rollback ${esc(qualified)} --to &lt;snapshot-id&gt;</pre>
      <h3>Partitions</h3>
      <table class="partitions"><thead><tr><th>Partition</th><th class="num">Records</th><th class="num">Files</th><th class="num">Size</th></tr></thead><tbody>${partitions}</tbody></table>
      ${ice.partitions.length > 400 ? `<p class="muted">First 400 of ${fmt(ice.partitions.length)} partitions.</p>` : ''}`;
  }

  function renderNode(id) {
    const node = DATA.nodes[id];
    if (!node) {
      main.innerHTML = `<h1>Not found</h1><p>No node <code>${esc(id)}</code> in this project.</p>`;
      return;
    }
    const facts = [
      ['Type', node.type],
      ['Layer', node.layer],
      ['Relation', node.relation ?? ''],
      ['Materialized', node.materialized ?? ''],
      ['File', node.path],
      ['Tags', node.tags.join(', ')],
      [
        'Last run',
        node.result
          ? `${badge(node.result.status)} in ${node.result.execution_time.toFixed(2)}s ${esc(node.result.message ?? '')}`
          : '',
      ],
      ...node.stats
        .filter((s) => s.id !== 'has_stats')
        .map((s) => [s.label, s.id === 'bytes' ? bytes(s.value) : fmt(s.value)]),
    ].filter(([, v]) => v !== '' && v !== null && v !== undefined);
    const factRows = facts
      .map(
        ([k, v]) =>
          `<tr><th>${esc(k)}</th><td>${k === 'Last run' || k === 'Approximate Size' ? v : esc(v)}</td></tr>`,
      )
      .join('');
    const list = (ids) =>
      ids.length
        ? `<ul>${ids.map((p) => `<li>${link(p)} <span class="muted">${esc(DATA.nodes[p]?.type ?? '')}</span></li>`).join('')}</ul>`
        : '<p class="muted">none</p>';
    const inGraph = inLineage.has(id);
    const sql =
      node.type === 'source'
        ? ''
        : `<h2>Code</h2><div class="tabs"><button type="button" data-tab="raw" class="active">Source</button>${node.compiled_code ? '<button type="button" data-tab="compiled">Compiled</button>' : ''}</div>
           <pre id="code-raw">${esc(node.raw_code)}</pre>${node.compiled_code ? `<pre id="code-compiled" hidden>${esc(node.compiled_code)}</pre>` : ''}`;
    main.innerHTML = `<h1 id="node-title">${esc(node.name)} <span class="badge">${esc(node.type)}</span></h1>
      <p>${esc(node.description) || '<span class="muted">No description.</span>'}</p>
      <table class="facts">${factRows}</table>
      ${node.attached ? `<p>Tests ${link(node.attached)}${node.column_name ? ` column <code>${esc(node.column_name)}</code>` : ''}.</p>` : ''}
      ${node.type !== 'macro' && node.type !== 'test' ? `<h2>Columns</h2>${columnsTable(node)}` : ''}
      ${inGraph ? `<h2>Lineage</h2>${legend()}<div id="node-graph" class="graph small"></div>` : ''}
      <h2>Upstream</h2>${list(node.parents)}<h2>Downstream</h2>${list(node.children)}
      ${icebergSection(node)}
      ${sql}
      <h2>Config</h2><pre>${esc(JSON.stringify(node.config, null, 2))}</pre>`;
    for (const button of main.querySelectorAll('.tabs button')) {
      button.addEventListener('click', () => {
        for (const b of main.querySelectorAll('.tabs button')) b.classList.toggle('active', b === button);
        document.getElementById('code-raw').hidden = button.dataset.tab !== 'raw';
        const compiled = document.getElementById('code-compiled');
        if (compiled) compiled.hidden = button.dataset.tab !== 'compiled';
      });
    }
    if (inGraph) {
      const ids = window.MdwSelect.select(graphNodes, `+${node.fqn.join('.')}+`);
      ids.add(id);
      drawGraph(document.getElementById('node-graph'), [...ids], id);
    }
    if (node.iceberg && node.iceberg.snapshots.length > 0) {
      charts.push(
        new window.Chart(document.getElementById('snapshot-chart'), {
          type: 'line',
          data: {
            labels: node.iceberg.snapshots.map((s) => s.committed_at.replace('T', ' ').slice(0, 19)),
            datasets: [
              {
                label: 'total records',
                data: node.iceberg.snapshots.map((s) => s.total_records),
                stepped: true,
                borderColor: '#1f6feb',
              },
            ],
          },
          options: { animation: false, plugins: { legend: { display: false } } },
        }),
      );
    }
  }

  // ---------- other pages ----------
  function renderOverview() {
    const counts = {};
    for (const node of Object.values(DATA.nodes)) counts[node.type] = (counts[node.type] ?? 0) + 1;
    const layers = {};
    for (const n of DATA.lineage.nodes) layers[n.layer] = (layers[n.layer] ?? 0) + 1;
    const rr = DATA.run_results;
    const statusCounts = {};
    for (const r of rr?.results ?? []) statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
    main.innerHTML = `<h1>${esc(DATA.project.name)}</h1>
      <p class="muted">Generated ${esc(DATA.project.generated_at)} by mdw ${esc(DATA.project.mdw_version)} for target <code>${esc(DATA.project.target)}</code> (${esc(DATA.project.adapter)}).</p>
      <div class="cards">${Object.entries(counts)
        .map(
          ([type, n]) =>
            `<div class="card"><div class="muted">${esc(type)}s</div><div class="value">${fmt(n)}</div></div>`,
        )
        .join('')}</div>
      <h2>Layers</h2><div class="cards">${Object.entries(layers)
        .map(
          ([layer, n]) =>
            `<div class="card" style="border-left:6px solid ${LAYER_COLORS[layer] ?? '#999'}"><div class="muted">${esc(layer)}</div><div class="value">${fmt(n)}</div></div>`,
        )
        .join('')}</div>
      <h2>Last invocation</h2>${
        rr
          ? `<p>${Object.entries(statusCounts)
              .map(([s, n]) => `${badge(s)} ${fmt(n)}`)
              .join(
                ' ',
              )} — ${fmt(rr.results.length)} nodes in ${rr.elapsed_time.toFixed(1)} s (${esc(rr.generated_at)}). <a href="#runs">All results</a></p>`
          : '<p class="muted">No target/run_results.json yet: run <code>mdw build</code>, then <code>mdw docs generate</code>.</p>'
      }
      <h2>Explore</h2><ul><li><a href="#lineage">Lineage graph</a></li><li><a href="#erd">ERD of the dimensional model</a></li><li><a href="#dashboard">Sales overview</a></li><li><a href="#iceberg">Iceberg tables</a></li></ul>`;
  }

  function renderErd() {
    const erd = DATA.erd;
    const rows = erd.relationships
      .map(
        (r) =>
          `<tr><td>${link(r.from)}</td><td><code>${esc(r.fromColumn)}</code></td><td>${esc(r.cardinality)}</td><td>${link(r.to)}</td><td><code>${esc(r.toColumn)}</code></td></tr>`,
      )
      .join('');
    main.innerHTML = `<h1>Entity-relationship diagram</h1>
      <p class="muted">Derived from the manifest: <code>relationships</code> tests between std and cur models are foreign keys; <code>unique</code> + <code>not_null</code> mark keys. A model with two or more foreign keys is a fact.</p>
      <div class="erd-view" id="erd-view">${erd.entities.length ? DATA.erd_svg : '<p class="muted">No relationships tests between std and cur models.</p>'}</div>
      <h2>Relationships</h2><table id="erd-relationships"><thead><tr><th>From</th><th>Key</th><th>Cardinality</th><th>To</th><th>Key</th></tr></thead><tbody>${rows}</tbody></table>`;
    for (const g of main.querySelectorAll('#erd-view g.entity')) {
      g.style.cursor = 'pointer';
      g.addEventListener('click', () => {
        location.hash = `#node/${encodeURIComponent(g.dataset.id)}`;
      });
    }
  }

  function renderDashboard() {
    const panels = DATA.dashboard;
    if (panels.length === 0) {
      main.innerHTML =
        '<h1>Sales overview</h1><p class="muted">The cur tables are not built yet: run <code>mdw build</code>, then <code>mdw docs generate</code>.</p>';
      return;
    }
    const kpi = panels.find((p) => p.chart === 'kpi');
    const cards = kpi
      ? `<div class="cards" id="kpis">${kpi.columns
          .map(
            (c, i) =>
              `<div class="card" data-kpi="${esc(c)}"><div class="muted">${esc(c.replaceAll('_', ' '))}</div><div class="value">${fmt(kpi.rows[0]?.[i], c === 'net_revenue' ? 2 : 0)}</div></div>`,
          )
          .join('')}</div>`
      : '';
    main.innerHTML = `<h1>Sales overview</h1><p class="muted">From the cur layer's tables at generate time.</p>${cards}<div class="charts">${panels
      .filter((p) => p.chart !== 'kpi')
      .map(
        (p) =>
          `<div class="chart-box"><h3>${esc(p.title)}</h3><canvas id="chart-${esc(p.id)}" data-panel="${esc(p.id)}"></canvas><p class="muted">from ${link(`model.${DATA.project.name}.${p.model}`, p.model)}</p></div>`,
      )
      .join('')}</div>`;
    for (const panel of panels) {
      if (panel.chart === 'kpi') continue;
      const labels = panel.rows.map((r) => r[0]);
      const valueIndex =
        panel.id === 'customer_segments'
          ? panel.columns.indexOf('customers')
          : panel.columns.indexOf('net_amount');
      const horizontal = panel.chart === 'bar' && panel.id !== 'revenue_by_category';
      charts.push(
        new window.Chart(document.getElementById(`chart-${panel.id}`), {
          type: panel.chart,
          data: {
            labels,
            datasets: [
              {
                label: panel.columns[valueIndex].replaceAll('_', ' '),
                data: panel.rows.map((r) => r[valueIndex]),
                borderColor: '#1f6feb',
                backgroundColor:
                  panel.chart === 'doughnut'
                    ? ['#8c959f', '#54aeff', '#4ac26b', '#f0883e', '#c297ff']
                    : '#54aeff',
                pointRadius: 0,
              },
            ],
          },
          options: {
            animation: false,
            indexAxis: horizontal ? 'y' : 'x',
            plugins: { legend: { display: panel.chart === 'doughnut' } },
          },
        }),
      );
    }
  }

  function renderRuns() {
    const rr = DATA.run_results;
    if (!rr) {
      main.innerHTML =
        '<h1>Run &amp; test results</h1><p class="muted">No target/run_results.json: run <code>mdw build</code> first.</p>';
      return;
    }
    const rows = rr.results
      .slice()
      .sort((a, b) => b.execution_time - a.execution_time)
      .map(
        (r) =>
          `<tr><td>${link(r.unique_id)}</td><td>${esc(DATA.nodes[r.unique_id]?.type ?? '')}</td><td>${badge(r.status)}</td><td class="num">${r.execution_time.toFixed(2)}</td><td class="num">${r.failures ?? ''}</td><td>${esc(r.message ?? '')}</td></tr>`,
      )
      .join('');
    main.innerHTML = `<h1>Run &amp; test results</h1><p class="muted">target/run_results.json of ${esc(rr.generated_at)}: ${fmt(rr.results.length)} nodes in ${rr.elapsed_time.toFixed(2)} s, slowest first.</p>
      <table id="run-results"><thead><tr><th>Node</th><th>Type</th><th>Status</th><th class="num">Seconds</th><th class="num">Failures</th><th>Message</th></tr></thead><tbody>${rows}</tbody></table>`;
  }

  function renderIcebergTables() {
    const tables = Object.values(DATA.nodes).filter((n) => n.iceberg);
    const rows = tables
      .map(
        (n) =>
          `<tr><td>${link(n.id)}</td><td class="num">${fmt(n.iceberg.records)}</td><td class="num">${fmt(n.iceberg.files)}</td><td class="num">${bytes(n.iceberg.bytes)}</td><td class="num">${fmt(n.iceberg.partitions.length)}</td><td class="num">${fmt(n.iceberg.snapshots.length)}</td><td>${esc(n.iceberg.snapshots.at(-1)?.committed_at ?? '')}</td></tr>`,
      )
      .join('');
    main.innerHTML = `<h1>Iceberg tables</h1><p class="muted">Read from each table's metadata (read-only). Open a table for its snapshots, partitions and time-travel commands.</p>
      ${tables.length ? `<table><thead><tr><th>Table</th><th class="num">Records</th><th class="num">Files</th><th class="num">Size</th><th class="num">Partitions</th><th class="num">Snapshots</th><th>Last commit</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="muted">No Iceberg tables (none built, or the target has none).</p>'}`;
  }

  // ---------- search ----------
  function searchHits(query) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const hits = [];
    for (const node of Object.values(DATA.nodes)) {
      if (node.type === 'test') continue;
      if (node.name.toLowerCase().includes(q))
        hits.push({ id: node.id, what: 'name', text: node.name, rank: 0 });
      else if (node.description.toLowerCase().includes(q))
        hits.push({ id: node.id, what: 'description', text: node.description, rank: 2 });
      for (const c of node.columns) {
        if (c.name.toLowerCase().includes(q))
          hits.push({ id: node.id, what: 'column', column: c.name, text: `${node.name}.${c.name}`, rank: 1 });
        else if (c.description.toLowerCase().includes(q))
          hits.push({
            id: node.id,
            what: 'column description',
            column: c.name,
            text: `${node.name}.${c.name}: ${c.description}`,
            rank: 3,
          });
      }
    }
    return hits.sort((a, b) => a.rank - b.rank || a.text.localeCompare(b.text));
  }

  function renderSearch(params) {
    const q = params.get('q') ?? '';
    const hits = searchHits(q);
    main.innerHTML = `<h1>Search: ${esc(q)}</h1><p class="muted">${fmt(hits.length)} matches in names, columns and descriptions.</p>
      <ul class="search-results" id="search-results">${hits
        .slice(0, 300)
        .map(
          (h) =>
            `<li data-what="${esc(h.what)}" data-node="${esc(h.id)}"${h.column ? ` data-column="${esc(h.column)}"` : ''}><span class="badge">${esc(h.what)}</span> ${link(h.id, h.text)}</li>`,
        )
        .join('')}</ul>`;
  }

  // ---------- sidebar and routing ----------
  function renderTree() {
    const groups = {};
    for (const node of Object.values(DATA.nodes)) {
      const key = node.type === 'model' ? `models · ${node.layer}` : `${node.type}s`;
      groups[key] = [...(groups[key] ?? []), node];
    }
    const order = (key) =>
      [
        'models · stg',
        'models · std',
        'models · cur',
        'sources',
        'seeds',
        'snapshots',
        'macros',
        'tests',
      ].indexOf(key) + 1 || 50;
    document.getElementById('tree').innerHTML = Object.keys(groups)
      .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
      .map(
        (key) =>
          `<h4>${esc(key)} (${groups[key].length})</h4><ul>${groups[key]
            .sort((a, b) => a.name.localeCompare(b.name))
            .map(
              (n) =>
                `<li><a href="#node/${encodeURIComponent(n.id)}" title="${esc(n.name)}">${esc(n.name)}</a></li>`,
            )
            .join('')}</ul>`,
      )
      .join('');
  }

  function route() {
    destroyViews();
    const [rawPath, query] = location.hash.replace(/^#/, '').split(/\?(.*)/s);
    const path = decodeURIComponent(rawPath || 'overview');
    // Not URLSearchParams: it turns '+' into a space, and selectors start with '+'.
    const params = new Map(
      (query ?? '')
        .split('&')
        .filter(Boolean)
        .map((pair) => pair.split('=').map((part) => decodeURIComponent(part))),
    );
    if (path.startsWith('node/')) renderNode(path.slice(5));
    else if (path === 'lineage') renderLineage(params);
    else if (path === 'erd') renderErd();
    else if (path === 'dashboard') renderDashboard();
    else if (path === 'runs') renderRuns();
    else if (path === 'iceberg') renderIcebergTables();
    else if (path === 'search') renderSearch(params);
    else renderOverview();
    main.scrollTop = 0;
    window.scrollTo(0, 0);
  }

  if (!DATA) {
    main.innerHTML = '<h1>No data</h1><p>data.js is missing: run <code>mdw docs generate</code>.</p>';
    return;
  }
  document.getElementById('project-name').textContent = DATA.project.name;
  document.title = `${DATA.project.name} · mdw docs`;
  renderTree();
  const search = document.getElementById('search');
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') location.hash = `#search?q=${encodeURIComponent(search.value)}`;
  });
  search.addEventListener('input', () => {
    if (search.value.trim().length >= 2) location.hash = `#search?q=${encodeURIComponent(search.value)}`;
  });
  window.addEventListener('hashchange', route);
  route();
})();
