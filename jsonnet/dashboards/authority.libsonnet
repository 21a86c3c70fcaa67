local d = import '../lib/dashboard.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    local q = (import 'queries.libsonnet').new(c),
    local v = (import 'variables.libsonnet').new(c),
    local a = q.sel(['namespace="$namespace"', 'direction="outbound"', 'authority="$authority"']),

    'meshlens-authority.json': d.dashboard(c,
                                           'authority',
                                           'Authority',
                                           "Calls from one namespace's workloads to one authority (host:port), in or outside the cluster, as their proxies see them.",
                                           [
                                             d.stat('Success rate', 'Share of calls to the authority that succeeded.', [d.target(q.successRate(a, []))], 'percentunit', w=8, thresholds=d.successThresholds, decimals=2),
                                             d.stat('Requests', 'Calls per second to the authority.', [d.target(q.rps(a, []))], 'reqps', w=8),
                                             d.stat('p99 latency', '99th percentile latency of calls to the authority.', [d.target(q.quantile(0.99, a, []))], 's', w=8),
                                             d.timeseries('Requests by caller', 'Calls per second to the authority per calling workload.', [
                                               d.target(q.rps(a, ['workload']), '{{workload}}'),
                                             ], 'reqps', w=8),
                                             d.timeseries('Failures by error', "Failed calls per second by the proxy's error class (e.g. dns_failure, connect_refused).", [
                                               d.target(q.orZero(q.rate('meshlens_responses_total', q.sel(['namespace="$namespace"', 'direction="outbound"', 'authority="$authority"', 'classification="failure"']), ['error']),
                                                                 q.rps(a, []),
                                                                 { 'error': 'none' }), '{{error}}'),
                                             ], 'reqps', w=8),
                                             d.timeseries('Latency', 'Latency quantiles of calls to the authority.', [
                                               d.target(q.quantile(0.5, a, []), 'p50'),
                                               d.target(q.quantile(0.99, a, []), 'p99'),
                                             ], 's', w=8),
                                             d.table('Callers', 'The workloads calling the authority and what they see.', [
                                               d.target(q.successRate(a, ['workload_kind', 'workload', 'dst_kind', 'dst_workload'])),
                                               d.target(q.rps(a, ['workload_kind', 'workload', 'dst_kind', 'dst_workload'])),
                                             ], [
                                               d.column('workload_kind', 'Kind'),
                                               d.column('workload', 'Caller', link=d.link(c, 'workload', 'Workload', { namespace: '$namespace', workload: '${__value.raw}' })),
                                               d.column('dst_kind', 'Resolved kind'),
                                               d.column('dst_workload', 'Resolved as'),
                                               d.column('Value #A', 'Success rate', 'percentunit', d.successThresholds, decimals=2),
                                               d.column('Value #B', 'RPS', 'reqps', decimals=2),
                                             ]),
                                           ],
                                           [v.namespace, v.authority]),
  },
}
