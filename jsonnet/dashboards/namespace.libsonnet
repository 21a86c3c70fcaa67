local d = import '../lib/dashboard.libsonnet';
local p = import '../lib/promql.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    local q = (import 'queries.libsonnet').new(c),
    local v = (import 'variables.libsonnet').new(c),
    local W = p.workload(c),
    local ns = 'namespace="$namespace"',
    local wlLink = d.link(c, 'workload', 'Workload', { namespace: '$namespace', workload: '${__value.raw}' }),
    // One edge per caller -> callee as seen by the caller's proxy (which also sees callees
    // outside the mesh); callers without a proxy are only seen by the callee, so their edges come
    // from the inbound side. Only edges that start or end in the namespace.
    local E = 'src_namespace, src_workload, dst_namespace, dst_workload',
    local edges = |||
      (
        sum by (%(E)s) (%(e)s{%(out)s})
        or
        sum by (%(E)s) (%(e)s{%(in)s})
      )
      and on (%(E)s)
      (%(e)s{%(src)s} or %(e)s{%(dst)s})
    ||| % {
      e: q.edges,
      E: E,
      out: q.recorded(['direction="outbound"']),
      'in': q.recorded(['direction="inbound"']),
      src: q.recorded(['src_namespace="$namespace"']),
      dst: q.recorded(['dst_namespace="$namespace"']),
    },
    local ids(x) = |||
      label_join(label_join(label_join(
        %s,
        "source", "/", "src_namespace", "src_workload"), "target", "/", "dst_namespace", "dst_workload"), "id", "->", "source", "target")
    ||| % std.rstripChars(x, '\n'),
    local nodes = |||
      sum by (id) (label_join(sum by (dst_namespace, dst_workload) (%(e)s{%(dst)s}), "id", "/", "dst_namespace", "dst_workload"))
      or
      0 * sum by (id) (label_join(sum by (src_namespace, src_workload) (%(e)s{%(srcOut)s}), "id", "/", "src_namespace", "src_workload"))
      or
      0 * sum by (id) (label_join(sum by (dst_namespace, dst_workload) (%(e)s{%(srcOut)s}), "id", "/", "dst_namespace", "dst_workload"))
      or
      0 * sum by (id) (label_join(sum by (src_namespace, src_workload) (%(e)s{%(dst)s}), "id", "/", "src_namespace", "src_workload"))
    ||| % {
      e: q.edges,
      dst: q.recorded(['dst_namespace="$namespace"']),
      src: q.recorded(['src_namespace="$namespace"']),
      srcOut: q.recorded(['src_namespace="$namespace"', 'direction="outbound"']),
    },

    'meshlens-namespace.json': d.dashboard(c,
                                           'namespace',
                                           'Namespace',
                                           "The workloads of one namespace, like Linkerd's namespace page: meshed pods, success rate, request rate and latency, and how they call each other.",
                                           [
                                             d.table('Workloads', 'One row per workload of the namespace with a meshed pod. Success rate is coloured red below 95%, orange below 99%. Click a workload to drill down.', [
                                               d.target('sum by (%s) (meshlens_workload_pods{%s})' % [p.by(W), q.sel([ns, 'meshed="true"'])]),
                                               d.target('sum by (%s) (meshlens_workload_pods{%s})' % [p.by(W), q.sel([ns])]),
                                               d.target(q.recordedSuccessRate(ns, W)),
                                               d.target(q.recordedRps(ns, W)),
                                               d.target(q.recordedQuantile(0.5, ns, W)),
                                               d.target(q.recordedQuantile(0.95, ns, W)),
                                               d.target(q.recordedQuantile(0.99, ns, W)),
                                             ], [
                                               d.column('workload_kind', 'Kind'),
                                               d.column('workload', 'Workload', link=wlLink),
                                               d.column('Value #A', 'Meshed pods', decimals=0),
                                               d.column('Value #B', 'Pods', decimals=0),
                                               d.column('Value #C', 'Success rate', 'percentunit', d.successThresholds, decimals=2),
                                               d.column('Value #D', 'RPS', 'reqps', decimals=2),
                                               d.column('Value #E', 'p50', 's'),
                                               d.column('Value #F', 'p95', 's'),
                                               d.column('Value #G', 'p99', 's'),
                                             ], h=10),
                                             d.nodeGraph('Dependencies',
                                                         'Workloads of the namespace and who calls whom (requests per second on each edge); callees outside the cluster appear by authority.',
                                                         nodes,
                                                         ids(edges)),
                                             d.timeseries('Success rate', 'Inbound success rate per workload.', [d.target(q.recordedSuccessRate(ns, ['workload']), '{{workload}}')], 'percentunit', w=8, max=1),
                                             d.timeseries('Requests', 'Inbound requests per second per workload.', [d.target(q.recordedRps(ns, ['workload']), '{{workload}}')], 'reqps', w=8),
                                             d.timeseries('p99 latency', 'Inbound p99 latency per workload.', [d.target(q.recordedQuantile(0.99, ns, ['workload']), '{{workload}}')], 's', w=8),
                                           ],
                                           [v.namespace]),
  },
}
