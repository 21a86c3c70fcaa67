local d = import '../lib/dashboard.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    local q = (import 'queries.libsonnet').new(c),
    local v = (import 'variables.libsonnet').new(c),
    local wl = 'namespace="$namespace", workload="$workload"',
    local inbound = q.sel([wl, 'direction="inbound"']),
    local outbound = q.sel([wl, 'direction="outbound"']),
    local exists = q.workloadExists(wl),
    local callers = ['src_namespace', 'src_kind', 'src_workload'],
    local callees = ['dst_namespace', 'dst_kind', 'dst_workload'],
    local toWorkload(ns, name) = d.link(c, 'workload', 'Workload', { namespace: ns, workload: name }),
    local podLink = d.link(c, 'pod', 'Pod', { namespace: '$namespace', workload: '$workload', pod: '${__value.raw}' }),
    local routeLink = d.link(c, 'route', 'Route', { namespace: '$namespace', workload: '$workload', route: '${__value.raw}' }),

    'meshlens-workload.json': d.dashboard(c,
                                          'workload',
                                          'Workload',
                                          'One workload (pick it above; one dashboard per deployment): inbound golden signals, its callers and callees, routes, failures, TCP and pods.',
                                          [
                                            d.row('Inbound'),
                                            d.stat('Success rate', 'Share of inbound responses classified as success.', [d.target(q.successRate(inbound, []))], 'percentunit', thresholds=d.successThresholds, decimals=2),
                                            d.stat('Requests', 'Inbound requests per second.', [d.target(q.orZero(q.rps(inbound, []), exists))], 'reqps'),
                                            d.stat('p50 latency', 'Median inbound latency.', [d.target(q.quantile(0.5, inbound, []))], 's', w=4),
                                            d.stat('p99 latency', '99th percentile inbound latency.', [d.target(q.quantile(0.99, inbound, []))], 's', w=4),
                                            d.stat('Meshed pods', 'Pods of the workload with a meshlens proxy, of all its pods.', [
                                              d.target('sum(meshlens_workload_pods{%s})' % q.sel([wl, 'meshed="true"'])),
                                            ], w=4),
                                            d.timeseries('Success rate', 'Inbound success rate.', [d.target(q.successRate(inbound, []), 'success rate')], 'percentunit', w=8, max=1),
                                            d.timeseries('Requests', 'Inbound requests per second by classification.', [
                                              d.target(q.orZero(q.rate('meshlens_responses_total', inbound, ['classification']), exists, { classification: 'none' }), '{{classification}}'),
                                            ], 'reqps', w=8, stack=true),
                                            d.timeseries('Latency', 'Inbound latency quantiles.', [
                                              d.target(q.quantile(0.5, inbound, []), 'p50'),
                                              d.target(q.quantile(0.95, inbound, []), 'p95'),
                                              d.target(q.quantile(0.99, inbound, []), 'p99'),
                                            ], 's', w=8),

                                            d.row('Callers (inbound, by source workload)'),
                                            d.table('Callers', 'Who calls this workload: success rate, rate and latency per caller. Click a caller to open its dashboard.', [
                                              d.target(q.successRate(inbound, callers)),
                                              d.target(q.orZero(q.rps(inbound, callers), exists, { src_workload: '(no callers)' })),
                                              d.target(q.quantile(0.99, inbound, callers)),
                                            ], [
                                              d.column('src_namespace', 'Namespace'),
                                              d.column('src_kind', 'Kind'),
                                              d.column('src_workload', 'Caller', link=toWorkload('${__data.fields.src_namespace}', '${__value.raw}')),
                                              d.column('Value #A', 'Success rate', 'percentunit', d.successThresholds, decimals=2),
                                              d.column('Value #B', 'RPS', 'reqps', decimals=2),
                                              d.column('Value #C', 'p99', 's'),
                                            ], w=12),
                                            d.timeseries('Requests by caller', 'Inbound requests per second per caller.', [
                                              d.target(q.orZero(q.rps(inbound, ['src_workload']), exists, { src_workload: '(no callers)' }), '{{src_workload}}'),
                                            ], 'reqps', w=12),

                                            d.row('Callees (outbound, by destination)'),
                                            d.table('Callees', 'What this workload calls, including services outside the cluster (kind "external", named by authority).', [
                                              d.target(q.successRate(outbound, callees)),
                                              d.target(q.orZero(q.rps(outbound, callees), exists, { dst_workload: '(no callees)' })),
                                              d.target(q.quantile(0.99, outbound, callees)),
                                            ], [
                                              d.column('dst_namespace', 'Namespace'),
                                              d.column('dst_kind', 'Kind'),
                                              d.column('dst_workload', 'Callee', link=toWorkload('${__data.fields.dst_namespace}', '${__value.raw}')),
                                              d.column('Value #A', 'Success rate', 'percentunit', d.successThresholds, decimals=2),
                                              d.column('Value #B', 'RPS', 'reqps', decimals=2),
                                              d.column('Value #C', 'p99', 's'),
                                            ], w=12),
                                            d.timeseries('Outbound success rate by callee', "Success rate of this workload's calls per destination.", [
                                              d.target(q.successRate(outbound, ['dst_workload']), '{{dst_workload}}'),
                                            ], 'percentunit', w=12, max=1),

                                            d.row('Routes (inbound)'),
                                            d.table('Routes', 'Inbound traffic per route (the workload\'s route table; "default" when none matches).', [
                                              d.target(q.successRate(inbound, ['route'])),
                                              d.target(q.orZero(q.rps(inbound, ['route']), exists, { route: '(no requests)' })),
                                              d.target(q.quantile(0.5, inbound, ['route'])),
                                              d.target(q.quantile(0.99, inbound, ['route'])),
                                            ], [
                                              d.column('route', 'Route', link=routeLink),
                                              d.column('Value #A', 'Success rate', 'percentunit', d.successThresholds, decimals=2),
                                              d.column('Value #B', 'RPS', 'reqps', decimals=2),
                                              d.column('Value #C', 'p50', 's'),
                                              d.column('Value #D', 'p99', 's'),
                                            ], w=12),
                                            d.timeseries('p99 latency by route', 'Inbound p99 latency per route.', [
                                              d.target(q.quantile(0.99, inbound, ['route']), '{{route}}'),
                                            ], 's', w=12),

                                            d.row('Failures'),
                                            d.timeseries('Failures by error', "Failed responses per second, inbound and outbound, by the proxy's error class (empty: the app answered with a failure status).", [
                                              d.target(q.orZero(q.rate('meshlens_responses_total', q.sel([wl, 'classification="failure"']), ['direction', 'error']), exists, { 'error': 'none' }), '{{direction}} {{error}}'),
                                            ], 'reqps', w=8),
                                            d.timeseries('Responses by HTTP status', 'Responses per second by HTTP status code, inbound and outbound.', [
                                              d.target(q.orZero(q.rate('meshlens_responses_total', q.sel([wl, 'status_code!=""']), ['direction', 'status_code']), exists, { status_code: 'none' }), '{{direction}} {{status_code}}'),
                                            ], 'reqps', w=8),
                                            d.timeseries('Responses by gRPC status', 'gRPC responses per second by status code name, inbound and outbound.', [
                                              d.target(q.orZero(q.rate('meshlens_responses_total', q.sel([wl, 'grpc_status!=""']), ['direction', 'grpc_status']), exists, { grpc_status: 'none' }), '{{direction}} {{grpc_status}}'),
                                            ], 'reqps', w=8),

                                            d.row('TCP'),
                                            d.timeseries('Open connections', "TCP connections currently open through the workload's proxies (inbound: accepted from callers; outbound: opened to targets).", [
                                              d.target('sum by (direction) (meshlens_tcp_open_connections{%s})' % q.sel([wl]), '{{direction}}'),
                                            ], w=8),
                                            d.timeseries('Connections opened', 'TCP connections opened per second.', [
                                              d.target(q.rate('meshlens_tcp_connections_opened_total', q.sel([wl]), ['direction']), '{{direction}}'),
                                            ], 'cps', w=8),
                                            d.timeseries('TCP bytes', 'Bytes per second read from and written to TCP connections.', [
                                              d.target(q.rate('meshlens_tcp_read_bytes_total', q.sel([wl]), ['direction']), '{{direction}} read'),
                                              d.target(q.rate('meshlens_tcp_write_bytes_total', q.sel([wl]), ['direction']), '{{direction}} write'),
                                            ], 'Bps', w=8),

                                            d.row('Pods'),
                                            d.table('Pods', "The workload's meshed pods: proxy version, inbound rate and success rate. Click a pod to drill down.", [
                                              d.target('max by (pod, version) (meshlens_proxy_info{%s})' % q.sel([wl])),
                                              d.target(q.orZero(q.rps(inbound, ['pod']), exists, { pod: '(no requests)' })),
                                              d.target(q.successRate(inbound, ['pod'])),
                                            ], [
                                              d.column('pod', 'Pod', link=podLink),
                                              d.column('version', 'Proxy version'),
                                              d.column('Value #B', 'RPS', 'reqps', decimals=2),
                                              d.column('Value #C', 'Success rate', 'percentunit', d.successThresholds, decimals=2),
                                            ]),
                                          ],
                                          [v.namespace, v.workload]),
  },
}
