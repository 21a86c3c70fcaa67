// Recording rules for what dashboards and alerts read often, so that a namespace page stays fast
// on a large cluster. Named level:metric:operations; numerators and denominators are recorded
// apart (by classification) and only divided at query time.
local p = import '../lib/promql.libsonnet';

{
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
    ] + [
      {
        // Quantiles are recorded as plain numbers: Prometheus 2.42 rejects some float native
        // histograms that rules compute (bucket and count sums differ in the last bit), so no
        // rule here records a histogram.
        record: 'workload:meshlens_response_latency_seconds:quantile_rate' + w,
        expr: p.quantile(q, 'meshlens_response_latency_seconds', inbound, p.workload(c), w),
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

    local meshRules = [
      {
        record: 'mesh:meshlens_response_latency_seconds:quantile_rate' + d,
        expr: p.quantile(q, 'meshlens_response_latency_seconds', inbound, p.cluster(c), d),
        labels: { quantile: std.toString(q) },
      }
      for q in c.recordedQuantiles
    ],

    assert std.member(c.recordedQuantiles, c.latencyQuantile) : 'latencyQuantile must be one of recordedQuantiles',

    groups+: [
      {
        name: 'meshlens.workload.rules',
        interval: c.ruleInterval,
        rules: std.flattenArrays([workloadRules(w) for w in c.recordingWindows]) + meshRules,
      },
      {
        name: 'meshlens.edge.rules',
        interval: c.ruleInterval,
        rules: edgeRules,
      },
    ],
  },
}
