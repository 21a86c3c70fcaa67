local d = import '../lib/dashboard.libsonnet';
local p = import '../lib/promql.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    local q = (import 'queries.libsonnet').new(c),
    local W = p.workload,
    local wlLink = d.link(c, 'workload', 'Workload', { namespace: '${__data.fields.namespace}', workload: '${__value.raw}' }),

    'meshlens-top-line.json': d.dashboard(c, 'top-line', 'Top line',
      'The whole mesh at a glance: inbound success rate, request rate and latency, and the workloads doing worst right now.', [
      d.row('Mesh'),
      d.stat('Success rate', 'Share of inbound responses classified as success, over every meshed workload.',
             [d.target(q.recordedSuccessRate('', []))], 'percentunit', w=6, thresholds=d.successThresholds, decimals=2),
      d.stat('Requests', 'Inbound requests per second over every meshed workload.', [d.target(q.recordedRps('', []))], 'reqps', w=6),
      d.stat('p50 latency', 'Median inbound latency (proxy: request headers in to response headers out).',
             [d.target(q.recordedQuantile(0.5, '', []))], 's', w=4),
      d.stat('p95 latency', '95th percentile inbound latency.', [d.target(q.recordedQuantile(0.95, '', []))], 's', w=4),
      d.stat('p99 latency', '99th percentile inbound latency.', [d.target(q.recordedQuantile(0.99, '', []))], 's', w=4),
      d.timeseries('Success rate by namespace', 'Inbound success rate per namespace.',
                   [d.target(q.recordedSuccessRate('', ['namespace']), '{{namespace}}')], 'percentunit', w=8, max=1),
      d.timeseries('Requests by namespace', 'Inbound requests per second per namespace.',
                   [d.target(q.recordedRps('', ['namespace']), '{{namespace}}')], 'reqps', w=8, stack=true),
      d.timeseries('Latency', 'Inbound latency quantiles over the whole mesh.', [
        d.target(q.recordedQuantile(0.5, '', []), 'p50'),
        d.target(q.recordedQuantile(0.95, '', []), 'p95'),
        d.target(q.recordedQuantile(0.99, '', []), 'p99'),
      ], 's', w=8),
      d.row('Worst workloads now'),
      d.table('Workloads by success rate', 'Every workload with traffic, lowest success rate first. Click a workload to drill down.', [
        d.target(q.recordedSuccessRate('', W)),
        d.target(q.recordedRps('', W)),
        d.target(q.recordedQuantile(0.99, '', W)),
      ], [
        d.column('namespace', 'Namespace'),
        d.column('workload_kind', 'Kind'),
        d.column('workload', 'Workload', link=wlLink),
        d.column('Value #A', 'Success rate', 'percentunit', d.successThresholds, decimals=2),
        d.column('Value #B', 'RPS', 'reqps', decimals=2),
        d.column('Value #C', 'p99', 's'),
      ], h=10, sortBy='Success rate'),
      d.table('Slowest workloads', 'Every workload with traffic by p99 latency.', [
        d.target('topk(10, %s)' % std.rstripChars(q.recordedQuantile(0.99, '', W), '\n')),
        d.target(q.recordedRps('', W)),
      ], [
        d.column('namespace', 'Namespace'),
        d.column('workload_kind', 'Kind'),
        d.column('workload', 'Workload', link=wlLink),
        d.column('Value #A', 'p99', 's'),
        d.column('Value #B', 'RPS', 'reqps', decimals=2),
      ], h=10),
    ]),
  },
}
