// Page 1: every namespace with its meshed pods and golden signals.
import { api } from './api.js';
import { el, goldenCells, numCell, table } from './format.js';

export function namespacesPage({ config, signal, main, crumbs }) {
  crumbs();
  const body = el('div');
  main.replaceChildren(el('h1', {}, 'Namespaces'), el('p', { class: 'muted' }, `Inbound traffic over the last ${config.window}.`), body);
  return {
    async refresh() {
      const stat = await api('stat', { resource: 'ns', window: config.window }, signal);
      const rows = stat.rows.map((r) => ({
        attrs: { 'data-name': r.name },
        cells: [
          { content: el('a', { href: '#/namespaces/' + encodeURIComponent(r.name) }, r.name) },
          numCell(`${r.meshed_pods}/${r.total_pods}`, r.meshed_pods),
          ...goldenCells(r),
          { content: el('a', { href: '#/namespaces/' + encodeURIComponent(r.name) + '/graph' }, 'graph') },
        ],
      }));
      body.replaceChildren(table('namespaces', ['NAMESPACE', 'MESHED', 'SUCCESS RATE', 'RPS', 'P50', 'P95', 'P99', ''],
        rows, 'No namespaces: the exporter knows no pods yet.'));
    },
  };
}
