// Page 2: a namespace's workloads, one table per kind, as `meshlens stat` shows them.
import { NotFound, api } from './api.js';
import { el, goldenCells, numCell, table, workloadHref } from './format.js';

const KINDS = [
  ['deployment', 'Deployments'], ['statefulset', 'StatefulSets'], ['daemonset', 'DaemonSets'],
  ['job', 'Jobs'], ['cronjob', 'CronJobs'],
];

/** The workload's Grafana dashboard, when a Grafana URL is configured. */
export function grafanaLink(config, ns, name) {
  if (!config.grafana) return null;
  const q = new URLSearchParams({ 'var-namespace': ns, 'var-workload': name });
  return el('a', { href: `${config.grafana}/d/${config.grafana_workload_uid}?${q}`, class: 'grafana', target: '_blank', rel: 'noopener noreferrer' }, 'Grafana');
}

export function namespacePage({ ns, config, signal, main, crumbs }) {
  crumbs();
  const body = el('div');
  main.replaceChildren(el('h1', {}, 'Namespace ', el('span', { class: 'name' }, ns)),
    el('p', {}, el('a', { href: '#/namespaces/' + encodeURIComponent(ns) + '/graph', id: 'graph-link' }, 'Dependency graph'),
      el('span', { class: 'muted' }, ` · inbound traffic over the last ${config.window}`)),
    body);
  return {
    async refresh() {
      const exists = await api('stat', { resource: 'ns', name: ns, window: config.window }, signal);
      if (exists.rows.length === 0) throw new NotFound(`Namespace "${ns}" not found: the exporter knows no pod and no traffic in it.`);
      const stats = await Promise.all(KINDS.map(([kind]) => api('stat', { resource: kind, namespace: ns, window: config.window }, signal)));
      const sections = [];
      KINDS.forEach(([kind, title], i) => {
        if (stats[i].rows.length === 0) return;
        const rows = stats[i].rows.map((r) => ({
          attrs: { 'data-name': r.name },
          cells: [
            { content: el('a', { href: workloadHref(ns, kind, r.name), class: 'workload' }, r.name) },
            numCell(`${r.meshed_pods}/${r.total_pods}`, r.meshed_pods),
            ...goldenCells(r),
            numCell(String(r.tcp_open_connections), r.tcp_open_connections),
            { content: grafanaLink(config, ns, r.name) || '' },
          ],
        }));
        sections.push(el('h2', {}, title), table(kind + 's', ['NAME', 'MESHED', 'SUCCESS RATE', 'RPS', 'P50', 'P95', 'P99', 'TCP CONN', ''], rows, ''));
      });
      if (sections.length === 0) sections.push(el('p', { class: 'muted' }, 'No workloads with pods in this namespace.'));
      body.replaceChildren(...sections);
    },
  };
}
