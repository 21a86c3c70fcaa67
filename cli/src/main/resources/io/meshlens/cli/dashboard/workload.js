// Page 4: one workload: its callers, callees, routes, live top and tap.
import { NotFound, api } from './api.js';
import { el, goldenCells, latency, numCell, rateCell, table } from './format.js';
import { grafanaLink } from './namespace.js';
import { keepStreaming, peer, succeeded } from './tap.js';

const KINDS = ['deployment', 'statefulset', 'daemonset', 'replicaset', 'job', 'cronjob', 'pod'];
const MAX_TAP_ROWS = 100;
const MAX_TOP_ROWS = 25;

function other(r, side) {
  const ns = r[side + '_namespace'];
  return (ns ? ns + '/' : '') + r[side + '_kind'] + '/' + r[side + '_workload'];
}

/** `meshlens top`: tap events folded into paths with count, best/worst/last latency and success rate. */
class Top {
  constructor() {
    this.latency = new Map();
    this.paths = new Map();
  }

  add(e) {
    const id = `${e.pod}#${e.id}`;
    if (e.type === 'rsp') this.latency.set(id, e.latency_seconds);
    if (e.type !== 'end') return;
    const lat = this.latency.get(id);
    this.latency.delete(id);
    const key = [peer(e, 'src'), peer(e, 'dst'), e.method, e.path].join('\u0000');
    let p = this.paths.get(key);
    if (!p) this.paths.set(key, p = { src: peer(e, 'src'), dst: peer(e, 'dst'), method: e.method, path: e.path, count: 0, ok: 0, best: null, worst: null, last: null });
    p.count++;
    if (succeeded(e)) p.ok++;
    if (lat != null) {
      p.best = p.best == null ? lat : Math.min(p.best, lat);
      p.worst = p.worst == null ? lat : Math.max(p.worst, lat);
      p.last = lat;
    }
  }

  render() {
    const rows = [...this.paths.values()].sort((a, b) => b.count - a.count || a.path.localeCompare(b.path)).slice(0, MAX_TOP_ROWS)
      .map((p) => ({
        attrs: { 'data-path': p.path },
        cells: [p.src, p.dst, p.method, { attrs: { class: 'path' }, content: p.path }, numCell(String(p.count), p.count),
          numCell(latency(p.best), p.best), numCell(latency(p.worst), p.worst), numCell(latency(p.last), p.last), rateCell(p.ok / p.count)],
      }));
    return table('top', ['SOURCE', 'DESTINATION', 'METHOD', 'PATH', 'COUNT', 'BEST', 'WORST', 'LAST', 'SUCCESS RATE'], rows, 'No requests seen yet.');
  }
}

function select(id, label, options) {
  return el('label', {}, label, el('select', { id }, options.map(([v, t]) => el('option', { value: v }, t))));
}

/** The tap panel: filters (as `meshlens tap`), pause/resume, one row per finished request, newest first. */
function tapPanel(target, config) {
  const rows = el('tbody');
  const status = el('span', { id: 'tap-state', class: 'muted' }, '');
  const pause = el('button', { id: 'tap-pause', type: 'button' }, 'Pause');
  const form = el('form', { id: 'tap-filters', class: 'filters' },
    select('tap-method', 'method', [['', 'any'], ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => [m, m])]),
    el('label', {}, 'path prefix', el('input', { id: 'tap-path', type: 'text', placeholder: '/api', size: 24 })),
    select('tap-status', 'status', [['', 'any'], ['2xx', '2xx'], ['3xx', '3xx'], ['4xx', '4xx'], ['5xx', '5xx']]),
    select('tap-direction', 'direction', [['', 'both'], ['inbound', 'inbound'], ['outbound', 'outbound']]),
    el('button', { id: 'tap-apply', type: 'submit' }, 'Apply'), pause, status);
  const latencies = new Map();
  let stop = null;
  let paused = false;

  const onEvent = (e) => {
    if (e.type === 'error') {
      status.textContent = `error from ${e.pod || 'a pod'}: ${e.error}`;
      return;
    }
    const id = `${e.pod}#${e.id}`;
    if (e.type === 'rsp') latencies.set(id, e.latency_seconds);
    if (e.type !== 'end') return;
    const lat = latencies.get(id) ?? e.duration_seconds;
    latencies.delete(id);
    const ok = succeeded(e);
    const code = e.status_code ? String(e.status_code) : '-';
    rows.prepend(el('tr', { class: ok ? '' : 'failing', 'data-path': e.path, 'data-status': code },
      el('td', {}, new Date().toLocaleTimeString()), el('td', {}, e.direction === 'outbound' ? 'out' : 'in'),
      el('td', {}, peer(e, 'src')), el('td', {}, peer(e, 'dst')), el('td', {}, e.method), el('td', { class: 'path' }, e.path),
      el('td', { class: 'num' }, code + (e.grpc_status ? ` ${e.grpc_status}` : '')), el('td', { class: 'num' }, latency(lat)),
      el('td', { class: ok ? 'sr-good' : 'sr-bad' }, ok ? 'ok' : (e.error || 'failed'))));
    while (rows.rows.length > MAX_TAP_ROWS) rows.deleteRow(-1);
  };

  const start = () => {
    stop?.();
    const v = (id) => form.querySelector('#' + id).value.trim();
    stop = keepStreaming({ ...target, method: v('tap-method'), path: v('tap-path'), status: v('tap-status'), direction: v('tap-direction') },
      onEvent, (s) => { if (!paused) status.textContent = s === 'live' ? '● live' : s; }, config.refresh_seconds);
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    rows.replaceChildren();
    if (!paused) start();
  });
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (paused) {
      stop?.();
      stop = null;
      status.textContent = '❚❚ paused';
    } else {
      start();
    }
  });

  const view = el('section', { id: 'tap' }, el('h2', {}, 'Tap'), form,
    el('p', { class: 'muted' }, 'Live requests (newest first). Headers and bodies are never shown.'),
    el('table', { class: 'grid', id: 'tap-rows' },
      el('thead', {}, el('tr', {}, ['TIME', 'DIR', 'SOURCE', 'DESTINATION', 'METHOD', 'PATH', 'STATUS', 'LATENCY', 'RESULT'].map((h) => el('th', {}, h)))), rows));
  return { view, start, stop: () => { stop?.(); stop = null; } };
}

export function workloadPage({ ns, kind, name, config, signal, main, crumbs }) {
  crumbs(`${kind}/${name}`);
  const summary = el('div');
  const inbound = el('div');
  const outbound = el('div');
  const routes = el('div');
  const top = el('div');
  const target = { namespace: ns, resource: kind, name };
  const topFold = new Top();
  const tap = tapPanel(target, config);
  let stopTop = null;
  let started = false;
  main.replaceChildren(el('h1', {}, `${kind}/`, el('span', { class: 'name' }, name), el('span', { class: 'muted' }, ` in ${ns}`)),
    summary, el('div', { class: 'cols' }, el('section', {}, el('h2', {}, 'Inbound, by caller'), inbound),
      el('section', {}, el('h2', {}, 'Outbound, by callee'), outbound)),
    el('h2', {}, 'Routes'), routes, el('h2', {}, 'Live top'), el('p', { class: 'muted' }, 'Requests seen by tap since this page opened, busiest paths first.'),
    top, tap.view);

  return {
    async refresh() {
      if (!KINDS.includes(kind)) throw new NotFound(`Kind "${kind}" not found (expected one of: ${KINDS.join(', ')}).`);
      const stat = await api('stat', { resource: kind, namespace: ns, name, window: config.window }, signal);
      if (stat.rows.length === 0) throw new NotFound(`${kind}/${name} not found in namespace "${ns}": the exporter knows no pod of it and no traffic to it.`);
      const [edges, rts] = await Promise.all([api('edges', { namespace: ns, window: config.window }, signal),
        api('routes', { resource: kind, namespace: ns, name, window: config.window }, signal)]);
      if (!started) {
        started = true;
        stopTop = keepStreamingTop();
        tap.start();
      }
      const s = stat.rows[0];
      summary.replaceChildren(table('summary', ['MESHED', 'SUCCESS RATE', 'RPS', 'P50', 'P95', 'P99', 'TCP CONN', ''],
        [{ cells: [numCell(`${s.meshed_pods}/${s.total_pods}`, s.meshed_pods), ...goldenCells(s), numCell(String(s.tcp_open_connections), s.tcp_open_connections),
          { content: grafanaLink(config, ns, name) || '' }] }], ''));
      const mine = (r, side) => r[side + '_namespace'] === ns && r[side + '_kind'] === kind && r[side + '_workload'] === name;
      const edgeRows = (side, otherSide) => edges.rows.filter((r) => mine(r, side)).map((r) => ({
        attrs: { 'data-name': other(r, otherSide) }, cells: [other(r, otherSide), ...goldenCells(r)] }));
      inbound.replaceChildren(table('inbound', ['FROM', 'SUCCESS RATE', 'RPS', 'P50', 'P95', 'P99'], edgeRows('dst', 'src'), 'No inbound traffic in the window.'));
      outbound.replaceChildren(table('outbound', ['TO', 'SUCCESS RATE', 'RPS', 'P50', 'P95', 'P99'], edgeRows('src', 'dst'), 'No outbound traffic in the window.'));
      routes.replaceChildren(table('routes', ['DIRECTION', 'ROUTE', 'AUTHORITY', 'SUCCESS RATE', 'RPS', 'P50', 'P95', 'P99'],
        rts.rows.map((r) => ({ attrs: { 'data-route': r.route, 'data-direction': r.direction }, cells: [r.direction, r.route, r.authority || '-', ...goldenCells(r)] })),
        'No requests in the window.'));
      top.replaceChildren(topFold.render());
    },
    stop() {
      stopTop?.();
      tap.stop();
    },
  };

  function keepStreamingTop() {
    return keepStreaming(target, (e) => topFold.add(e), () => {}, config.refresh_seconds);
  }
}
