// Zero-config SLOs: every meshed workload has an availability and a latency SLO whose objective,
// period and latency bound come from meshlens_slo_objective (written by the exporter from the
// workload's annotations or the defaults), so changing an objective needs no new rules.
//
// Error and request counts are recorded per window and only divided afterwards; the SLI over a
// whole period sums the base window's recorded counts (never averages ratios over time).
//
// The base window's counts derive from the workload group's recordings (rates and the latency
// histogram, workload.libsonnet), never from raw series; windows of a day or more are chained
// from the base window. The windows in between (30m to 6h, the page alerts') read the raw
// counters once each (by classification), as kubernetes-mixin's burn-rate rules do: a sum of base-window counts
// lags by up to one base window and would delay the pages.
local p = import '../lib/promql.libsonnet';

{
  local c = $._config,
  local W = p.by(p.workload(c)),
  local inbound = p.sel([c.exporterSelector, 'direction="inbound"']),
  local rawObjective(sli) =
    'max by (%s, period) (meshlens_slo_objective{%s})' % [W, p.sel([c.exporterSelector, 'sli="%s"' % sli])],
  // the objectives and bounds are recorded first in the SLO group, and read from there
  local objective(sli, extra='') = 'workload_slo:meshlens_%s_objective:ratio%s' % [sli, if extra == '' then '' else '{%s}' % extra],
  local bound = 'max by (%s) (workload_slo:meshlens_latency_bound_seconds:max)' % W,
  local base = c.sloBaseWindow,
  local baseSeconds = p.seconds(base),
  // A window at least sloChainFrom long is summed from the base window's recordings, one sample
  // per base window (a subquery), so its cost does not grow with its length.
  local chained(w) = w != base && p.seconds(w) >= p.seconds(c.sloChainFrom),
  // The sum of a base-window recording over w: disjoint base windows, one sample each (a count).
  local sumOver(record, w) = 'sum_over_time(%s%s[%s:%s])' % [record, base, w, base],
  // The same sum over every recorded sample: each request counted once per rule evaluation in
  // its base window, the same factor for every count, so only for ratios (cheaper than the
  // subquery over a whole SLO period).
  local ratioSum(record, w) = 'sum_over_time(%s%s[%s])' % [record, base, w],

  // Every window a rule or an alert needs, shortest first.
  sloWindows::
    local all = [c.sloBaseWindow] + std.flattenArrays([[w.long, w.short] for w in c.sloBurnWindows]);
    // sorted by length through a zero-padded key (std.sort's keyF is not everywhere)
    local keyed = std.set(['%012d %s' % [p.seconds(w), w] for w in all]);
    [std.split(k, ' ')[1] for k in keyed],

  local objectiveRules = [
    {
      record: 'workload_slo:meshlens_%s_objective:ratio' % sli,
      expr: rawObjective(sli),
    }
    for sli in ['availability', 'latency']
  ] + [
    {
      record: 'workload_slo:meshlens_latency_bound_seconds:max',
      expr: 'max by (%s, period) (meshlens_slo_latency_bound_seconds{%s})' % [W, c.exporterSelector],
    },
  ],

  // The recorded rates over the base window times its length: its counts.
  local rates = 'workload:meshlens_responses:rate' + base,
  local countRules(w) = if w == base then [
    {
      record: 'workload_slo:meshlens_requests:increase' + w,
      expr: 'sum by (%s) (%s) * %d' % [W, rates, baseSeconds],
    },
    {
      // "or 0 * requests": a workload that never failed has a 0 error count, not no series
      record: 'workload_slo:meshlens_availability_errors:increase' + w,
      expr: |||
        sum by (%(W)s) (%(rates)s{classification="failure"}) * %(s)d
        or
        0 * workload_slo:meshlens_requests:increase%(w)s
      ||| % { W: W, rates: rates, s: baseSeconds, w: w },
    },
  ] else if chained(w) then [
    {
      record: 'workload_slo:meshlens_%s:increase%s' % [n, w],
      expr: sumOver('workload_slo:meshlens_%s:increase' % n, w),
    }
    for n in ['requests', 'availability_errors']
  ] else [
    {
      // the one read of the raw counters over w; requests and errors add it up
      record: 'workload_slo:meshlens_responses:increase' + w,
      expr: 'sum by (%s, classification) (increase(meshlens_responses_total{%s}[%s]))' % [W, inbound, w],
    },
    {
      record: 'workload_slo:meshlens_requests:increase' + w,
      expr: 'sum by (%s) (workload_slo:meshlens_responses:increase%s)' % [W, w],
    },
    {
      // "or 0 * requests": a workload that never failed has a 0 error count, not no series
      record: 'workload_slo:meshlens_availability_errors:increase' + w,
      expr: |||
        sum by (%(W)s) (workload_slo:meshlens_responses:increase%(w)s{classification="failure"})
        or
        0 * workload_slo:meshlens_requests:increase%(w)s
      ||| % { W: W, w: w },
    },
  ],

  // Latency SLI counts over the base window, as plain numbers: responses at or under the
  // workload's bound (meshlens_slo_latency_bound_seconds, a bucket bound), and all responses,
  // from the workload group's recorded histogram. histogram_fraction takes its bound as a
  // number, not from a series, so there is one branch per possible bound. Each branch must touch
  // only the histograms of the workloads with that bound (decoding every workload's histogram
  // once per bound is what made this rule the costliest): the recorded histogram is copied once
  // with its workload's bound as a `bound` label, and each branch selects by that label. The
  // classic side (its `le` as Prometheus 3 normalises it, "1" stored as "1.0") is selected by
  // `le` alike. Native first: Prometheus 3 stores a histogram without observations as classic
  // buckets even when it scrapes native histograms, and such an all-zero classic side must not
  // hide the workload's native one.
  local leMatcher(b) = if std.length(std.findSubstr('.', b)) == 0 then 'le=~"%s|%s\\\\.0"' % [b, b] else 'le="%s"' % b,
  local hist = $.latencyRecording(base),
  local bounded = 'workload_slo:meshlens_response_latency_seconds:rate' + base,
  local total = 'workload_slo:meshlens_latency_total:increase' + base,
  local latencyRules = [
    {
      // the bound as a label: one branch per bound over the (small) bound series, never a histogram
      record: bounded,
      expr: |||
        %(hist)s
        * on (%(W)s) group_left (bound)
        (
        %(labels)s)
      ||| % {
        W: W,
        hist: hist,
        labels: std.join('  or\n', ['  label_replace(0 * (%s == %s) + 1, "bound", "%s", "", "")\n' % [bound, b, b] for b in c.latencyBuckets]),
      },
    },
    {
      record: total,
      expr: |||
        (
          histogram_count(%(hist)s)
          or
          sum by (%(W)s) (%(classic)s{le="+Inf"})
        ) * %(s)d
      ||| % { W: W, hist: hist, classic: p.bucketName(hist), s: baseSeconds },
    },
    {
      record: 'workload_slo:meshlens_latency_good:increase' + base,
      expr: |||
        sum without (bound) (
        %(native)s)
        * on (%(W)s) %(total)s
        or
        (
        %(classic)s) * %(s)d
      ||| % {
        W: W,
        total: total,
        s: baseSeconds,
        native: std.join('  or\n', ['  histogram_fraction(0, %s, %s{bound="%s"})\n' % [b, bounded, b] for b in c.latencyBuckets]),
        classic: std.join('  or\n', [
          '  sum by (%s) (%s{%s} and on (%s) (%s == %s))\n' % [W, p.bucketName(hist), leMatcher(b), W, bound, b]
          for b in c.latencyBuckets
        ]),
      },
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
      expr: if w == base then |||
        1 - (
          workload_slo:meshlens_latency_good:increase%(w)s
          / on (%(W)s)
          workload_slo:meshlens_latency_total:increase%(w)s
        )
      ||| % { w: w, W: W } else |||
        1 - (
          %(good)s
          / on (%(W)s)
          %(total)s
        )
      ||| % { W: W, good: ratioSum('workload_slo:meshlens_latency_good:increase', w), total: ratioSum('workload_slo:meshlens_latency_total:increase', w) },
    },
  ] + [
    {
      // how many times faster than "exactly the budget over the period" errors happen; carries
      // the objective's period
      record: 'workload_slo:meshlens_%s_burn_rate:ratio%s' % [sli, w],
      expr: |||
        workload_slo:meshlens_%(sli)s_error_ratio:ratio%(w)s
        / on (%(W)s) group_left (period)
        (1 - %(objective)s)
      ||| % { sli: sli, w: w, W: W, objective: objective(sli) },
    }
    for sli in ['availability', 'latency']
  ],

  // The SLI and the error budget left over each workload's own period.
  local periodRules(sli) = [
    {
      record: 'workload_slo:meshlens_%s_error_ratio:ratio_period' % sli,
      local counts = if sli == 'availability'
      then { part: 'workload_slo:meshlens_availability_errors:increase', all: 'workload_slo:meshlens_requests:increase' }
      else { part: 'workload_slo:meshlens_latency_good:increase', all: 'workload_slo:meshlens_latency_total:increase' },
      local ratio(len) = '%s%s\n  / on (%s)\n  %s' % [
        if sli == 'availability' then '' else '1 - ',
        ratioSum(counts.part, len),
        W,
        ratioSum(counts.all, len),
      ],
      expr: std.join('or\n', [
        |||
          (
            %(ratio)s
          ) * on (%(W)s) group_left (period) (0 * %(objective)s + 1)
        ||| % { ratio: ratio(c.sloPeriods[period]), W: W, objective: objective(sli, 'period="%s"' % period) }
        for period in std.objectFields(c.sloPeriods)
      ]),
    },
    {
      record: 'workload_slo:meshlens_%s_error_budget_remaining:ratio' % sli,
      expr: |||
        1 - workload_slo:meshlens_%(sli)s_error_ratio:ratio_period
        / on (%(W)s, period)
        (1 - %(objective)s)
      ||| % { sli: sli, W: W, objective: objective(sli) },
    },
  ],

  local callerRules = if !c.sloPerCaller then [] else [
    {
      // each caller's failures, for "which caller burns the budget"; from the workload group's
      // recording like the workload's own errors, so that both have the same samples
      record: 'workload_caller_slo:meshlens_availability_errors:increase' + base,
      expr: '%s * %d' % [$.callerFailuresRecording(base), baseSeconds],
    },
  ],

  local short = [w for w in $.sloWindows if !chained(w)],
  local long = [w for w in $.sloWindows if chained(w)],

  // Three groups, evaluated concurrently: what the pages need at the rule interval; the windows
  // of a day or more (chained sums, heavier per evaluation, read by tickets) apart so that they
  // never hold up a page; the whole-period SLI, which moves slowly, at its own interval.
  prometheusRules+:: {
    groups+: [
      {
        name: 'meshlens.slo.rules',
        interval: c.ruleInterval,
        rules: objectiveRules
               + std.flattenArrays([countRules(w) for w in short])
               + latencyRules
               + std.flattenArrays([ratioRules(w) for w in short])
               + callerRules,
      },
      {
        name: 'meshlens.slo.long.rules',
        interval: c.ruleInterval,
        rules: std.flattenArrays([countRules(w) + ratioRules(w) for w in long]),
      },
      {
        name: 'meshlens.slo.period.rules',
        interval: c.sloPeriodRuleInterval,
        rules: periodRules('availability') + periodRules('latency'),
      },
    ],
  },
}
