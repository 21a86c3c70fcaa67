local d = import '../lib/dashboard.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    local q = (import 'queries.libsonnet').new(c),
    local v = (import 'variables.libsonnet').new(c),
    local pod = 'namespace="$namespace", pod="$pod"',
    local all = q.sel([pod]),

    'meshlens-pod.json': d.dashboard(c,
                                     'pod',
                                     'Pod',
                                     "One meshed pod: its proxy's traffic in both directions, connections, and the proxy's own JVM.",
                                     [
                                       d.timeseries('Success rate', 'Success rate by direction (inbound: served by this pod; outbound: its calls).', [
                                         d.target(q.successRate(all, ['direction']), '{{direction}}'),
                                       ], 'percentunit', w=8, max=1),
                                       d.timeseries('Requests', 'Requests per second by direction.', [d.target(q.orZero(q.rps(all, ['direction']), q.podExists(pod)), '{{direction}}')], 'reqps', w=8),
                                       d.timeseries('p99 latency', 'p99 latency by direction.', [d.target(q.quantile(0.99, all, ['direction']), '{{direction}}')], 's', w=8),
                                       d.timeseries('Requests by peer workload', 'Inbound by caller and outbound by callee, requests per second.', [
                                         d.target(q.orZero(q.rps(q.sel([pod, 'direction="inbound"']), ['src_workload']), q.podExists(pod), { src_workload: '(no callers)' }), 'from {{src_workload}}'),
                                         d.target(q.orZero(q.rps(q.sel([pod, 'direction="outbound"']), ['dst_workload']), q.podExists(pod), { dst_workload: '(no callees)' }), 'to {{dst_workload}}'),
                                       ], 'reqps', w=12),
                                       d.timeseries('Open connections', 'TCP connections open through this proxy.', [
                                         d.target('sum by (direction) (meshlens_tcp_open_connections{%s})' % all, '{{direction}}'),
                                       ], w=12),
                                       d.timeseries('Proxy heap', "JVM heap used by this pod's proxy.", [
                                         d.target('sum(jvm_memory_used_bytes{%s})' % q.sel([pod, 'area="heap"']), 'heap used'),
                                       ], 'bytes', w=8),
                                       d.timeseries('Proxy CPU', "CPU seconds per second used by this pod's proxy.", [
                                         d.target(q.rate('process_cpu_seconds_total', all, []), 'cpu'),
                                       ], 'percentunit', w=8),
                                       d.timeseries('Proxy RSS', "Resident memory of this pod's proxy process.", [
                                         d.target('sum(process_resident_memory_bytes{%s})' % all, 'rss'),
                                       ], 'bytes', w=8),
                                     ],
                                     [v.namespace, v.workload, v.pod]),
  },
}
