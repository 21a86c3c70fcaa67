// Everything a user may want to change. Import the mixin and override with
//   (import 'jsonnet/mixin.libsonnet') + { _config+:: { exporterSelector: 'job="mesh-exporter"' } }
{
  _config+:: {
    // Selects the series Prometheus scraped from the meshlens exporters (every meshlens series,
    // the enriched proxy series and the exporter's own).
    exporterSelector: 'job="meshlens-exporter"',
    // The job label of the exporters, for `up`.
    exporterJobSelector: self.exporterSelector,

    // One Prometheus (or Thanos/Mimir) over several clusters: every rule and alert keeps
    // clusterLabel, and every dashboard gets a cluster variable that all its queries select by.
    showMultiCluster: false,
    clusterLabel: 'cluster',

    // Alert severities, the ecosystem's (kube-prometheus' Alertmanager routes these): a page is
    // urgent and wakes someone, a ticket is handled in working hours.
    pageSeverity: 'critical',
    ticketSeverity: 'warning',

    // Recording rules.
    ruleInterval: '30s',
    // Windows of the rate rules; `workload:meshlens_requests:rate1m` is read by dashboards,
    // `...:rate5m` by the golden-signal alerts.
    recordingWindows: ['1m', '5m'],
    dashboardWindow: '1m',
    // Latency quantiles recorded per workload (and mesh-wide) for dashboards and alerts.
    recordedQuantiles: [0.5, 0.95, 0.99],
    alertWindow: '5m',

    // Golden-signal alerts.
    successRateThreshold: 0.95,  // inbound success rate below this alerts
    latencyQuantile: 0.99,  // one of recordedQuantiles
    latencyThresholdSeconds: 1,  // p99 above this alerts
    // No golden-signal or SLO alert fires for a workload with less traffic than this (requests
    // per second over the alert's window): too few requests to judge.
    minRequestRate: 0.1,
    trafficStoppedLookback: '1h',  // "had traffic" means: this long ago
    successRateFor: '5m',
    latencyFor: '10m',
    trafficStoppedFor: '10m',
    targetDownFor: '5m',
    scrapeErrorsFor: '15m',
    labelOverflowFor: '15m',

    // SLOs: the exporter writes meshlens_slo_objective{sli, period, le} for every meshed workload
    // (defaults or the workload's meshlens.io/slo-* annotations); the rules below work for any
    // objective, and for each of these periods (name -> length used to derive burn-rate factors).
    sloPeriods: { '7d': '7d', '28d': '28d', '30d': '30d' },
    // The SRE Workbook's multi-window, multi-burn-rate alerts: an alert fires when both windows
    // burn faster than budgetFraction * period / long (14.4x, 6x, 3x, 1x for 30 days). `kind`
    // picks the severity (pageSeverity or ticketSeverity).
    sloBurnWindows: [
      { kind: 'page', long: '1h', short: '5m', budgetFraction: 0.02, 'for': '2m' },
      { kind: 'page', long: '6h', short: '30m', budgetFraction: 0.05, 'for': '15m' },
      { kind: 'ticket', long: '1d', short: '2h', budgetFraction: 0.10, 'for': '1h' },
      { kind: 'ticket', long: '3d', short: '6h', budgetFraction: 0.10, 'for': '3h' },
    ],
    // Ticket alerts never fire below 1x: a slower burn leaves budget at the end of the period.
    sloMinTicketFactor: 1,
    // The SLI over the whole period is summed from this window's recorded counts.
    sloBaseWindow: '5m',
    // Windows at least this long (the ticket alerts' 1d and 3d, and the periods) are summed from
    // the base window's recordings, one sample per base window (a subquery), never read from the
    // raw series: their cost no longer grows with the window.
    sloChainFrom: '1d',
    // The SLI over each workload's whole period moves slowly; a large installation can evaluate its
    // group less often ('3m', as kubernetes-mixin does its 30-day group). The default is the rule
    // interval, as Sloth's, so that a fresh Prometheus (the demo) shows the budget within seconds.
    sloPeriodRuleInterval: self.ruleInterval,
    // Record each caller's share of a workload's failures (the "worst callers" panel).
    sloPerCaller: true,

    // Histogram bucket bounds of meshlens_response_latency_seconds (docs/metrics.md): latency
    // objectives snap to one of these.
    latencyBuckets: ['0.0005', '0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10'],

    // Dashboards.
    grafanaUrl: 'http://localhost:3000',
    dashboardTags: ['meshlens'],
    dashboardUidPrefix: 'meshlens-',
    dashboardRefresh: '30s',
    dashboardTimeFrom: 'now-1h',
    grafanaFolder: 'meshlens',
    datasourceName: 'prometheus',
    datasourceUid: 'prometheus',
    prometheusUrl: 'http://meshlens-prometheus.meshlens.svc:9090',
    dashboardsPath: '/var/lib/meshlens/dashboards',
    // Exemplars: latency panels ask Prometheus for exemplars, and the Prometheus datasource links
    // an exemplar's trace id label to a trace: set tracingDatasourceUid to a Tempo or Jaeger
    // datasource's uid (an internal link), or tracingUrl to a URL template (e.g.
    // 'https://jaeger.example/trace/${__value.raw}'); with neither, exemplars show without a link.
    exemplarTraceIdLabel: 'trace_id',
    tracingDatasourceUid: '',
    tracingUrl: '',

    // Alertmanager example.
    pageWebhookUrl: 'http://pager.example.invalid/meshlens',
    ticketWebhookUrl: 'http://tickets.example.invalid/meshlens',
    alertmanagerGroupWait: '30s',
    alertmanagerGroupInterval: '5m',

    runbookUrlBase: 'https://github.com/meshlens/meshlens/blob/main/docs/alerts.md',
  },
}
