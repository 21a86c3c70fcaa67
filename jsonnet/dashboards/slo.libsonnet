local d = import '../lib/dashboard.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    local v = (import 'variables.libsonnet').new(c),
    local q = (import 'queries.libsonnet').new(c),
    local wl = q.recorded(['namespace="$namespace"', 'workload="$workload"']),
    local budget = d.thresholds([[null, 'red'], [0.25, 'orange'], [0.5, 'green']]),
    local base = c.sloBaseWindow,

    local burnPanel(sli) = d.timeseries('%s burn rate' % sli,
                                        'How many times faster than the %s SLO allows errors happen, per window (1 = exactly the budget over the period). Alerts fire when a long and a short window both pass the factor (see docs/alerts.md).' % sli,
                                        [d.target('workload_slo:meshlens_%s_burn_rate:ratio%s{%s}' % [sli, w, wl], w) for w in $.sloWindows],
                                        w=12),

    'meshlens-slo.json': d.dashboard(c,
                                     'slo',
                                     'SLO',
                                     'The zero-config SLOs of one workload: availability (non-failure inbound responses) and latency (inbound responses within the bound), from the objectives the exporter publishes for every meshed workload (meshlens.io/slo-* annotations or the defaults).',
                                     [
                                       d.stat('Availability budget left', 'Share of the availability error budget left over the SLO period.', [
                                         d.target('workload_slo:meshlens_availability_error_budget_remaining:ratio{%s}' % wl, '{{period}}'),
                                       ], 'percentunit', thresholds=budget, decimals=1),
                                       d.stat('Availability objective', 'The availability objective and its period.', [
                                         d.target('workload_slo:meshlens_availability_objective:ratio{%s}' % wl, '{{period}}'),
                                       ], 'percentunit', decimals=2),
                                       d.stat('Latency budget left', 'Share of the latency error budget left over the SLO period.', [
                                         d.target('workload_slo:meshlens_latency_error_budget_remaining:ratio{%s}' % wl, '{{period}}'),
                                       ], 'percentunit', thresholds=budget, decimals=1),
                                       d.stat('Latency objective', 'The share of responses that must be at or under the latency bound.', [
                                         d.target('workload_slo:meshlens_latency_objective:ratio{%s}' % wl, '{{period}}'),
                                       ], 'percentunit', decimals=2, w=3),
                                       d.stat('Latency bound', "The latency bound of the latency SLO: a bucket bound of the latency histogram (the annotation's bound snapped down).", [
                                         d.target('workload_slo:meshlens_latency_bound_seconds:max{%s}' % wl, '{{period}}'),
                                       ], 's', w=3),
                                       d.timeseries('SLI over the period', "Availability and latency SLIs over each workload's SLO period (counts summed, then divided).", [
                                         d.target('1 - workload_slo:meshlens_availability_error_ratio:ratio_period{%s}' % wl, 'availability ({{period}})'),
                                         d.target('1 - workload_slo:meshlens_latency_error_ratio:ratio_period{%s}' % wl, 'latency ({{period}})'),
                                       ], 'percentunit', w=12),
                                       d.timeseries('Error budget left', 'Error budget left over the period.', [
                                         d.target('workload_slo:meshlens_availability_error_budget_remaining:ratio{%s}' % wl, 'availability'),
                                         d.target('workload_slo:meshlens_latency_error_budget_remaining:ratio{%s}' % wl, 'latency'),
                                       ], 'percentunit', w=12),
                                       burnPanel('availability'),
                                       burnPanel('latency'),
                                       d.table('Worst callers', 'The callers whose failed requests burned the most of the availability budget over the dashboard\'s time range (share of the budget of that range); "(no failures)" when none failed.', [
                                         d.target(q.orZero(|||
                                           topk(10,
                                             sum by (src_namespace, src_kind, src_workload) (sum_over_time(workload_caller_slo:meshlens_availability_errors:increase%(base)s{%(wl)s}[$__range]))
                                             / scalar(sum(sum_over_time(workload_slo:meshlens_requests:increase%(base)s{%(wl)s}[$__range])))
                                             / scalar(1 - max(workload_slo:meshlens_availability_objective:ratio{%(wl)s}))
                                           ) > 0
                                         ||| % { wl: wl, base: base }, q.workloadExists('namespace="$namespace", workload="$workload"'), { src_workload: '(no failures)' })),
                                         d.target(q.orZero(|||
                                           sum by (src_namespace, src_kind, src_workload) (sum_over_time(workload_caller_slo:meshlens_availability_errors:increase%(base)s{%(wl)s}[$__range]))
                                           / scalar(sum(sum_over_time(workload_slo:meshlens_availability_errors:increase%(base)s{%(wl)s}[$__range])))
                                           > 0
                                         ||| % { wl: wl, base: base }, q.workloadExists('namespace="$namespace", workload="$workload"'), { src_workload: '(no failures)' })),
                                       ], [
                                         d.column('src_namespace', 'Namespace'),
                                         d.column('src_kind', 'Kind'),
                                         d.column('src_workload', 'Caller', link=d.link(c, 'workload', 'Workload', { namespace: '${__data.fields.src_namespace}', workload: '${__value.raw}' })),
                                         d.column('Value #A', 'Budget burned', 'percentunit', decimals=2),
                                         d.column('Value #B', 'Share of failures', 'percentunit', decimals=1),
                                       ]),
                                     ],
                                     [v.namespace, v.workload]),
  },
}
