// Page 3: a namespace's dependency graph from /api/v1/edges, laid out in columns by call depth.
import { NotFound, api } from './api.js';
import { el, goldenCells, percent, rps, table, workloadHref } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 210;
const NODE_H = 52;
const COL_GAP = 120;
const ROW_GAP = 34;
const PAD = 24;
const PEER_KINDS = new Set(['external', 'unknown', 'node']);

function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function nodeId(ns, kind, name) {
  return PEER_KINDS.has(kind) ? `${kind}/${name}` : `${ns}/${kind}/${name}`;
}

function label(n, ns) {
  const name = n.ns && n.ns !== ns && !PEER_KINDS.has(n.kind) ? `${n.ns}/${n.name}` : n.name;
  return name.length > 26 ? name.slice(0, 25) + '…' : name;
}

/** A failing edge: any request in the window failed. */
export function failing(e) {
  return e.success_rate != null && e.success_rate < 0.9999;
}

/** Columns by the longest call chain that reaches a node (cycles are cut after as many steps as there are nodes). */
function layout(nodes, edges) {
  const depth = new Map([...nodes.keys()].map((k) => [k, 0]));
  for (let i = 0; i < nodes.size; i++) {
    let changed = false;
    for (const e of edges) {
      if (e.src !== e.dst && depth.get(e.dst) < depth.get(e.src) + 1 && depth.get(e.src) + 1 < nodes.size) {
        depth.set(e.dst, depth.get(e.src) + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const columns = [];
  for (const [k, d] of depth) (columns[d] ||= []).push(k);
  const pos = new Map();
  columns.forEach((col, c) => {
    col.sort();
    col.forEach((k, r) => pos.set(k, { x: PAD + c * (NODE_W + COL_GAP), y: PAD + r * (NODE_H + ROW_GAP) }));
  });
  const rows = Math.max(1, ...columns.map((c) => (c ? c.length : 0)));
  return { pos, width: PAD * 2 + columns.length * NODE_W + (columns.length - 1) * COL_GAP, height: PAD * 2 + rows * NODE_H + (rows - 1) * ROW_GAP };
}

function draw(ns, nodes, edges) {
  const { pos, width, height } = layout(nodes, edges);
  const root = svg('svg', { id: 'graph', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `dependency graph of ${ns}` },
    svg('defs', {},
      svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' })),
      svg('marker', { id: 'arrow-failing', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow failing' }))));
  for (const e of edges) {
    const a = pos.get(e.src);
    const b = pos.get(e.dst);
    const bad = failing(e.row);
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_H / 2;
    const d = e.src === e.dst
      ? `M ${x1 - 30} ${a.y} C ${x1 - 30} ${a.y - 40}, ${x1 + 30} ${a.y - 40}, ${x1} ${y1 - 10}`
      : `M ${x1} ${y1} C ${x1 + COL_GAP / 2} ${y1}, ${x2 - COL_GAP / 2} ${y2}, ${x2} ${y2}`;
    const mx = e.src === e.dst ? x1 : (x1 + x2) / 2;
    const my = e.src === e.dst ? a.y - 34 : (y1 + y2) / 2 - 6;
    root.append(svg('g', { class: 'edge' + (bad ? ' failing' : ''), 'data-edge': `${e.src}->${e.dst}`, 'data-rps': e.row.rps, 'data-sr': e.row.success_rate ?? '' },
      svg('path', { d, 'marker-end': bad ? 'url(#arrow-failing)' : 'url(#arrow)' }),
      svg('text', { x: mx, y: my, 'text-anchor': 'middle', class: 'edge-label' }, `${rps(e.row.rps)} · ${percent(e.row.success_rate)}`)));
  }
  for (const [k, n] of nodes) {
    const p = pos.get(k);
    const peer = PEER_KINDS.has(n.kind);
    const box = svg('g', { class: 'node' + (peer ? ' peer ' + n.kind : ''), 'data-node': k, transform: `translate(${p.x},${p.y})` },
      svg('rect', { width: NODE_W, height: NODE_H, rx: 8 }),
      svg('text', { x: 12, y: 22, class: 'node-name' }, label(n, ns)),
      svg('text', { x: 12, y: 40, class: 'node-kind' }, peer ? `${n.kind} peer` : n.kind));
    if (!peer && n.ns === ns) {
      root.append(svg('a', { href: workloadHref(ns, n.kind, n.name) }, box));
    } else {
      root.append(box);
    }
  }
  return root;
}

export function graphPage({ ns, config, signal, main, crumbs }) {
  crumbs('graph');
  const body = el('div');
  main.replaceChildren(el('h1', {}, 'Dependency graph of ', el('span', { class: 'name' }, ns)),
    el('p', { class: 'legend' }, el('span', { class: 'key ok' }, '→ all requests succeeded'), el('span', { class: 'key failing' }, '→ failing requests'),
      el('span', { class: 'key peer' }, 'dashed: external or unknown peer'), el('span', { class: 'muted' }, ` · last ${config.window}`)),
    body);
  return {
    async refresh() {
      const exists = await api('stat', { resource: 'ns', name: ns, window: config.window }, signal);
      if (exists.rows.length === 0) throw new NotFound(`Namespace "${ns}" not found: the exporter knows no pod and no traffic in it.`);
      const data = await api('edges', { namespace: ns, window: config.window }, signal);
      const nodes = new Map();
      const edges = [];
      for (const r of data.rows) {
        const src = nodeId(r.src_namespace, r.src_kind, r.src_workload);
        const dst = nodeId(r.dst_namespace, r.dst_kind, r.dst_workload);
        nodes.set(src, { ns: r.src_namespace, kind: r.src_kind, name: r.src_workload });
        nodes.set(dst, { ns: r.dst_namespace, kind: r.dst_kind, name: r.dst_workload });
        edges.push({ src, dst, row: r });
      }
      if (edges.length === 0) {
        body.replaceChildren(el('p', { class: 'muted', id: 'no-edges' }, `No traffic between workloads of ${ns} in the last ${config.window}.`));
        return;
      }
      const rows = data.rows.map((r) => ({
        attrs: { class: failing(r) ? 'failing' : null },
        cells: [nodeId(r.src_namespace, r.src_kind, r.src_workload), nodeId(r.dst_namespace, r.dst_kind, r.dst_workload),
          ...goldenCells(r)],
      }));
      body.replaceChildren(el('div', { class: 'graph-box' }, draw(ns, nodes, edges)),
        el('h2', {}, 'Edges'), table('edges', ['FROM', 'TO', 'SUCCESS RATE', 'RPS', 'P50', 'P95', 'P99'], rows, ''));
    },
  };
}
