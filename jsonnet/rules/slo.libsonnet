// Zero-config SLOs: every meshed workload has an availability and a latency SLO whose objective,
// period and latency bound come from meshlens_slo_objective (written by the exporter from the
// workload's annotations or the defaults), so changing an objective needs no new rules.
//
// Error and request counts are recorded per window and only divided afterwards; the SLI over a
// whole period sums the base window's recorded counts (never averages ratios over time).
local p = import '../lib/promql.libsonnet';

{
  local c = $._config,
  local W = p.by(p.workload),
  local inbound = p.sel([c.exporterSelector, 'direction="inbound"']),
  local objective(sli, extra='') =
    'max by (%s, period, le) (meshlens_slo_objective{%s})' % [W, p.sel([c.exporterSelector, 'sli="%s"' % sli, extra])],

  // Every window a rule or an alert needs, shortest first.
  sloWindows::
    local all = [c.sloBaseWindow] + std.flattenArrays([[w.long, w.short] for w in c.sloBurnWindows]);
    // sorted by length through a zero-padded key (std.sort's keyF is not everywhere)
    local keyed = std.set(['%012d %s' % [p.seconds(w), w] for w in all]);
    [std.split(k, ' ')[1] for k in keyed],

  local countRules(w) = [
    {
      record: 'workload_slo:meshlens_requests:increase' + w,
      expr: 'sum by (%s) (increase(meshlens_responses_total{%s}[%s]))' % [W, inbound, w],
    },
    {
      // "or 0 * requests": a workload that never failed has a 0 error count, not no series
      record: 'workload_slo:meshlens_availability_errors:increase' + w,
      expr: |||
        sum by (%(W)s) (increase(meshlens_responses_total{%(sel)s, classification="failure"}[%(w)s]))
        or
        0 * sum by (%(W)s) (increase(meshlens_responses_total{%(sel)s}[%(w)s]))
      ||| % { W: W, sel: inbound, w: w },
    },
    {
      record: 'workload_slo:meshlens_response_latency_seconds:increase' + w,
      expr: 'sum by (%s) (increase(meshlens_response_latency_seconds{%s}[%s]))' % [W, inbound, w],
    },
    {
      record: 'workload_slo:meshlens_response_latency_seconds_bucket:increase' + w,
      expr: 'sum by (%s, le) (increase(meshlens_response_latency_seconds_bucket{%s}[%s]))' % [W, inbound, w],
    },
    {
      // Responses slower than the workload's objective bound (an existing bucket bound, the
      // objective's `le`). Classic buckets: all - bucket{le}; native histograms: one branch per
      // possible bound, because PromQL cannot read a number from a label.
      record: 'workload_slo:meshlens_latency_errors:increase' + w,
      local hist = 'workload_slo:meshlens_response_latency_seconds:increase' + w,
      local buckets = 'workload_slo:meshlens_response_latency_seconds_bucket:increase' + w,
      local classic = |||
        (
          sum by (%(W)s) (%(buckets)s{le="+Inf"})
          - on (%(W)s)
          sum by (%(W)s) (%(buckets)s and on (%(W)s, le) %(objective)s)
        )
      ||| % { W: W, buckets: buckets, objective: objective('latency') },
      local native(b) = |||
        (
          histogram_count(%(hist)s) * (1 - histogram_fraction(0, %(b)s, %(hist)s))
          and on (%(W)s) %(objective)s
        )
      ||| % { W: W, hist: hist, b: b, objective: objective('latency', 'le="%s"' % b) },
      expr: std.join('or\n', [classic] + [native(b) for b in c.latencyBuckets]),
    },
  ],

  local ratioRules(w) = [
    {
      record: 'workload_slo:meshlens_%s_error_ratio:ratio%s' % [sli, w],
      expr: |||
        workload_slo:meshlens_%(sli)s_errors:increase%(w)s
        / on (%(W)s)
        workload_slo:meshlens_requests:increase%(w)s
      ||| % { sli: sli, w: w, W: W },
    }
    for sli in ['availability', 'latency']
  ] + [
    {
      // how many times faster than "exactly the budget over the period" errors happen; carries
      // the objective's period and le
      record: 'workload_slo:meshlens_%s_burn_rate:ratio%s' % [sli, w],
      expr: |||
        workload_slo:meshlens_%(sli)s_error_ratio:ratio%(w)s
        / on (%(W)s) group_left (period, le)
        (1 - %(objective)s)
      ||| % { sli: sli, w: w, W: W, objective: objective(sli) },
    }
    for sli in ['availability', 'latency']
  ],

  // The SLI and the error budget left over each workload's own period.
  local periodRules(sli) = [
    {
      record: 'workload_slo:meshlens_%s_error_ratio:ratio_period' % sli,
      expr: std.join('or\n', [
        |||
          (
            sum by (%(W)s) (sum_over_time(workload_slo:meshlens_%(sli)s_errors:increase%(base)s[%(len)s]))
            / on (%(W)s)
            sum by (%(W)s) (sum_over_time(workload_slo:meshlens_requests:increase%(base)s[%(len)s]))
          ) * on (%(W)s) group_left (period, le) (0 * %(objective)s + 1)
        ||| % { sli: sli, W: W, base: c.sloBaseWindow, len: c.sloPeriods[period], objective: objective(sli, 'period="%s"' % period) }
        for period in std.objectFields(c.sloPeriods)
      ]),
    },
    {
      record: 'workload_slo:meshlens_%s_error_budget_remaining:ratio' % sli,
      expr: |||
        1 - workload_slo:meshlens_%(sli)s_error_ratio:ratio_period
        / on (%(W)s, period, le)
        (1 - %(objective)s)
      ||| % { sli: sli, W: W, objective: objective(sli) },
    },
    {
      record: 'workload_slo:meshlens_%s_objective:ratio' % sli,
      expr: objective(sli),
    },
  ],

  local callerRules = if !c.sloPerCaller then [] else [
    {
      // each caller's failures, for "which caller burns the budget"
      record: 'workload_caller_slo:meshlens_availability_errors:increase' + c.sloBaseWindow,
      expr: 'sum by (%s, src_namespace, src_kind, src_workload) (increase(meshlens_responses_total{%s, classification="failure"}[%s]))'
            % [W, inbound, c.sloBaseWindow],
    },
  ],

  prometheusRules+:: {
    groups+: [
      {
        name: 'meshlens.slo.rules',
        interval: c.ruleInterval,
        rules: std.flattenArrays([countRules(w) for w in $.sloWindows])
               + std.flattenArrays([ratioRules(w) for w in $.sloWindows])
               + callerRules,
      },
      {
        name: 'meshlens.slo.period.rules',
        interval: c.ruleInterval,
        rules: periodRules('availability') + periodRules('latency'),
      },
    ],
  },
}
