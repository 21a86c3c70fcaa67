// Recording rules for what dashboards and alerts read often, so that a namespace page stays fast
// on a large cluster. Named level:metric:operations; numerators and denominators are recorded
// apart (by classification) and only divided at query time.
//
// This group is the only one that reads a workload's raw traffic series: per window, each
// workload's request and response rates and its latency histogram are recorded once per
// evaluation; quantiles (here) and the SLO counts (slo.libsonnet) derive from these recordings.
local p = import '../lib/promql.libsonnet';

{
  // The windows recorded per workload: the dashboards' and alerts' windows and the SLO base window.
  recordedWindows::
    local c = $._config;
    local all = c.recordingWindows + [c.dashboardWindow, c.alertWindow, c.sloBaseWindow];
    local keyed = std.set(['%012d %s' % [p.seconds(w), w] for w in all]);
    [std.split(k, ' ')[1] for k in keyed],

  // The recorded latency histogram of a workload over w: a native histogram, and its classic
  // twin (p.bucketName) for a Prometheus that stores classic buckets only; read both with `or`.
  latencyRecording(w):: 'workload:meshlens_response_latency_seconds:rate' + w,
  // Each caller's failed requests to a workload over the SLO base window (slo.libsonnet).
  callerFailuresRecording(w):: 'workload_caller:meshlens_failed_responses:rate' + w,

  prometheusRules+:: {
    local c = $._config,
    local inbound = p.sel([c.exporterSelector, 'direction="inbound"']),
    local W = p.by(p.workload(c)),

    local workloadRules(w) = [
      {
        record: 'workload:meshlens_requests:rate' + w,
        expr: 'sum by (%s) (rate(meshlens_requests_total{%s}[%s]))' % [W, inbound, w],
      },
      {
        record: 'workload:meshlens_responses:rate' + w,
        expr: 'sum by (%s, classification) (rate(meshlens_responses_total{%s}[%s]))' % [W, inbound, w],
      },
      {
        record: $.latencyRecording(w),
        expr: 'sum by (%s) (rate(meshlens_response_latency_seconds{%s}[%s]))' % [W, inbound, w],
      },
      {
        record: p.bucketName($.latencyRecording(w)),
        expr: 'sum by (%s, le) (rate(meshlens_response_latency_seconds_bucket{%s}[%s]))' % [W, inbound, w],
      },
    ] + [
      {
        record: 'workload:meshlens_response_latency_seconds:quantile_rate' + w,
        expr: p.quantile(q, $.latencyRecording(w), '', p.workload(c)),
        labels: { quantile: std.toString(q) },
      }
      for q in c.recordedQuantiles
    ],

    local E = p.by(['direction'] + p.edge(c)),
    local sel = c.exporterSelector,
    local d = c.dashboardWindow,
    local edgeRules = [
      {
        record: 'edge:meshlens_responses:rate' + d,
        expr: 'sum by (%s, classification) (rate(meshlens_responses_total{%s}[%s]))' % [E, sel, d],
      },
    ],

    // mesh-wide quantiles add up the workloads' recorded histograms
    local meshRules = [
      {
        record: 'mesh:meshlens_response_latency_seconds:quantile_rate' + d,
        expr: p.quantile(q, $.latencyRecording(d), '', p.cluster(c)),
        labels: { quantile: std.toString(q) },
      }
      for q in c.recordedQuantiles
    ],

    local callerRules = if !c.sloPerCaller then [] else [
      {
        record: $.callerFailuresRecording(c.sloBaseWindow),
        expr: 'sum by (%s, src_namespace, src_kind, src_workload) (rate(meshlens_responses_total{%s, classification="failure"}[%s]))'
              % [W, inbound, c.sloBaseWindow],
      },
    ],

    assert std.member(c.recordedQuantiles, c.latencyQuantile) : 'latencyQuantile must be one of recordedQuantiles',

    groups+: [
      {
        name: 'meshlens.workload.rules',
        interval: c.ruleInterval,
        rules: std.flattenArrays([workloadRules(w) for w in $.recordedWindows]) + meshRules + callerRules,
      },
      {
        name: 'meshlens.edge.rules',
        interval: c.ruleInterval,
        rules: edgeRules,
      },
    ],
  },
}
