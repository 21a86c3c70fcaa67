// Recording rules for what dashboards and alerts read often, so that a namespace page stays fast
// on a large cluster. Named level:metric:operations; numerators and denominators are recorded
// apart (by classification) and only divided at query time.
local p = import '../lib/promql.libsonnet';

{
  prometheusRules+:: {
    local c = $._config,
    local inbound = p.sel([c.exporterSelector, 'direction="inbound"']),
    local W = p.by(p.workload),

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
        // native histograms (empty when Prometheus stores classic buckets)
        record: 'workload:meshlens_response_latency_seconds:rate' + w,
        expr: 'sum by (%s) (rate(meshlens_response_latency_seconds{%s}[%s]))' % [W, inbound, w],
      },
      {
        // classic buckets (empty when Prometheus stores native histograms)
        record: 'workload:meshlens_response_latency_seconds_bucket:rate' + w,
        expr: 'sum by (%s, le) (rate(meshlens_response_latency_seconds_bucket{%s}[%s]))' % [W, inbound, w],
      },
    ],

    local E = p.by(['direction'] + p.edge),
    local sel = c.exporterSelector,
    local d = c.dashboardWindow,
    local edgeRules = [
      {
        record: 'edge:meshlens_responses:rate' + d,
        expr: 'sum by (%s, classification) (rate(meshlens_responses_total{%s}[%s]))' % [E, sel, d],
      },
      {
        record: 'edge:meshlens_response_latency_seconds:rate' + d,
        expr: 'sum by (%s) (rate(meshlens_response_latency_seconds{%s}[%s]))' % [E, sel, d],
      },
      {
        record: 'edge:meshlens_response_latency_seconds_bucket:rate' + d,
        expr: 'sum by (%s, le) (rate(meshlens_response_latency_seconds_bucket{%s}[%s]))' % [E, sel, d],
      },
    ],

    groups+: [
      {
        name: 'meshlens.workload.rules',
        interval: c.ruleInterval,
        rules: std.flattenArrays([workloadRules(w) for w in c.recordingWindows]),
      },
      {
        name: 'meshlens.edge.rules',
        interval: c.ruleInterval,
        rules: edgeRules,
      },
    ],
  },
}
