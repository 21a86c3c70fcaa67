local d = import '../lib/dashboard.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    local q = (import 'queries.libsonnet').new(c),
    local v = (import 'variables.libsonnet').new(c),
    local r = q.sel(['namespace="$namespace"', 'workload="$workload"', 'direction="inbound"', 'route="$route"']),

    'meshlens-route.json': d.dashboard(c,
                                       'route',
                                       'Route',
                                       'One route of one workload (from its route table): success rate, rate, latency, statuses and callers.',
                                       [
                                         d.stat('Success rate', "Share of the route's responses classified as success.", [d.target(q.successRate(r, []))], 'percentunit', w=8, thresholds=d.successThresholds, decimals=2),
                                         d.stat('Requests', 'Requests per second on the route.', [d.target(q.rps(r, []))], 'reqps', w=8),
                                         d.stat('p99 latency', '99th percentile latency of the route.', [d.target(q.quantile(0.99, r, []))], 's', w=8),
                                         d.timeseries('Success rate', 'Success rate of the route.', [d.target(q.successRate(r, []), '$route')], 'percentunit', w=8, max=1),
                                         d.timeseries('Responses by status', 'Responses per second by HTTP status and error class.', [
                                           d.target(q.rate('meshlens_responses_total', r, ['status_code', 'error']), '{{status_code}} {{error}}'),
                                         ], 'reqps', w=8, stack=true),
                                         d.timeseries('Latency', 'Latency quantiles of the route.', [
                                           d.target(q.quantile(0.5, r, []), 'p50'),
                                           d.target(q.quantile(0.95, r, []), 'p95'),
                                           d.target(q.quantile(0.99, r, []), 'p99'),
                                         ], 's', w=8),
                                         d.table('Callers', 'Who calls the route.', [
                                           d.target(q.successRate(r, ['src_namespace', 'src_workload'])),
                                           d.target(q.rps(r, ['src_namespace', 'src_workload'])),
                                         ], [
                                           d.column('src_namespace', 'Namespace'),
                                           d.column('src_workload', 'Caller', link=d.link(c, 'workload', 'Workload', { namespace: '${__data.fields.src_namespace}', workload: '${__value.raw}' })),
                                           d.column('Value #A', 'Success rate', 'percentunit', d.successThresholds, decimals=2),
                                           d.column('Value #B', 'RPS', 'reqps', decimals=2),
                                         ]),
                                       ],
                                       [v.namespace, v.workload, v.route]),
  },
}
