// Multi-window, multi-burn-rate SLO alerts (the SRE Workbook's form), one rule per window pair
// and SLI, each covering every supported period with that period's factor.
local p = import '../lib/promql.libsonnet';

{
  local c = $._config,
  local W = p.by(p.workload(c)),

  // budgetFraction of a period's budget spent within `long`: the burn-rate factor.
  burnFactor(window, period)::
    local f = window.budgetFraction * p.seconds(c.sloPeriods[period]) / p.seconds(window.long);
    local rounded = std.floor(f * 1000 + 0.5) / 1000;
    if window.kind == 'ticket' then std.max(rounded, c.sloMinTicketFactor) else rounded,

  local names = { availability: 'MeshlensAvailabilityBudgetBurn', latency: 'MeshlensLatencyBudgetBurn' },

  local rule(sli, window) = {
    local burn(w) = 'workload_slo:meshlens_%s_burn_rate:ratio%s' % [sli, w],
    alert: names[sli],
    expr: |||
      (
      %(periods)s)
      and on (%(W)s)
      workload_slo:meshlens_requests:increase%(long)s >= %(minRequests)s
    ||| % {
      W: W,
      long: window.long,
      minRequests: c.minRequestRate * p.seconds(window.long),
      periods: std.join('  or\n', [
        |||
          (
            %(long)s{period="%(period)s"} > %(factor)s
            and on (%(W)s)
            %(short)s{period="%(period)s"} > %(factor)s
          )
        ||| % { long: burn(window.long), short: burn(window.short), period: period, factor: $.burnFactor(window, period), W: W }
        for period in std.objectFields(c.sloPeriods)
      ]),
    },
    'for': window['for'],
    labels: { severity: if window.kind == 'page' then c.pageSeverity else c.ticketSeverity, sli: sli, long: window.long, short: window.short },
    annotations: {
      summary: 'A workload spends its %s error budget too fast.' % sli,
      description: ('{{ $labels.workload_kind }}/{{ $labels.workload }} in namespace {{ $labels.namespace }} burns its %s error budget '
                    + '{{ $value | humanize }}x as fast as its {{ $labels.period }} SLO allows, over both the last %s and %s.')
                   % [sli, window.long, window.short],
    },
    dashboard:: 'slo',
  },

  prometheusAlerts+:: {
    groups+: [
      {
        name: 'meshlens.slo.alerts',
        rules: [rule(sli, w) for sli in ['availability', 'latency'] for w in c.sloBurnWindows],
      },
    ],
  },
}
