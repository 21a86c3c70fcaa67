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
  ],

  // Latency SLI counts over the base window, as plain numbers (Prometheus 2.42 rejects some
  // float native histograms computed by rules, so none is recorded): responses at or under the
  // objective's bound, and all responses. Classic buckets give the bound's bucket directly;
  // native histograms need one branch per possible bound (PromQL cannot read a number from a
  // label) and histogram_fraction, which interpolates inside a native bucket.
  local latencyRules = [
    {
      record: 'workload_slo:meshlens_latency_good:increase' + c.sloBaseWindow,
      local hist = 'sum by (%s) (increase(meshlens_response_latency_seconds{%s}[%s]))' % [W, inbound, c.sloBaseWindow],
      expr: |||
        (
          sum by (%(W)s, le) (increase(meshlens_response_latency_seconds_bucket{%(sel)s, le!="+Inf"}[%(w)s]))
          or
        %(native)s)
        and on (%(W)s, le)
        %(objective)s
      ||| % {
        W: W,
        sel: inbound,
        w: c.sloBaseWindow,
        objective: objective('latency'),
        native: std.join('  or
', [
          '  label_replace(histogram_count(%(h)s) * histogram_fraction(0, %(b)s, %(h)s), "le", "%(b)s", "", "")
' % { h: hist, b: b }
          for b in c.latencyBuckets
        ]),
      },
    },
    {
      record: 'workload_slo:meshlens_latency_total:increase' + c.sloBaseWindow,
      expr: |||
        sum by (%(W)s) (increase(meshlens_response_latency_seconds_bucket{%(sel)s, le="+Inf"}[%(w)s]))
        or
        histogram_count(sum by (%(W)s) (increase(meshlens_response_latency_seconds{%(sel)s}[%(w)s])))
      ||| % { W: W, sel: inbound, w: c.sloBaseWindow },
    },
  ],

  local ratioRules(w) = [
    {
      record: 'workload_slo:meshlens_availability_error_ratio:ratio' + w,
      expr: |||
        workload_slo:meshlens_availability_errors:increase%(w)s
        / on (%(W)s)
        workload_slo:meshlens_requests:increase%(w)s
      ||| % { w: w, W: W },
    },
    {
      // latency counts exist for the base window only (see latencyRules); longer windows sum them
      record: 'workload_slo:meshlens_latency_error_ratio:ratio' + w,
      expr: if w == c.sloBaseWindow then |||
        1 - (
          sum by (%(W)s) (workload_slo:meshlens_latency_good:increase%(w)s)
          / on (%(W)s)
          workload_slo:meshlens_latency_total:increase%(w)s
        )
      ||| % { w: w, W: W } else |||
        1 - (
          sum by (%(W)s) (sum_over_time(workload_slo:meshlens_latency_good:increase%(base)s[%(w)s]))
          / on (%(W)s)
          sum by (%(W)s) (sum_over_time(workload_slo:meshlens_latency_total:increase%(base)s[%(w)s]))
        )
      ||| % { w: w, W: W, base: c.sloBaseWindow },
    },
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
      local counts = if sli == 'availability' then {
        bad: 'sum by (%s) (sum_over_time(workload_slo:meshlens_availability_errors:increase%s[%s]))',
        all: 'sum by (%s) (sum_over_time(workload_slo:meshlens_requests:increase%s[%s]))',
      } else {
        good: 'sum by (%s) (sum_over_time(workload_slo:meshlens_latency_good:increase%s[%s]))',
        all: 'sum by (%s) (sum_over_time(workload_slo:meshlens_latency_total:increase%s[%s]))',
      },
      local ratio(len) = if sli == 'availability'
        then '%s\n  / on (%s)\n  %s' % [counts.bad % [W, c.sloBaseWindow, len], W, counts.all % [W, c.sloBaseWindow, len]]
        else '1 - %s\n  / on (%s)\n  %s' % [counts.good % [W, c.sloBaseWindow, len], W, counts.all % [W, c.sloBaseWindow, len]],
      expr: std.join('or\n', [
        |||
          (
            %(ratio)s
          ) * on (%(W)s) group_left (period, le) (0 * %(objective)s + 1)
        ||| % { ratio: ratio(c.sloPeriods[period]), W: W, objective: objective(sli, 'period="%s"' % period) }
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
               + latencyRules
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
