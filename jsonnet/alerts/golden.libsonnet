// Golden-signal alerts for every meshed workload, and for the monitoring pipeline itself.
// runbook_url and dashboard_url are stamped on afterwards (lib/alerts.libsonnet).
local p = import '../lib/promql.libsonnet';

{
  local c = $._config,
  local W = p.by(p.workload(c)),
  local a = c.alertWindow,
  // "enough traffic to judge": the low-traffic guard every workload alert shares
  local busy = 'sum by (%s) (workload:meshlens_requests:rate%s) >= %s' % [W, a, c.minRequestRate],

  prometheusAlerts+:: {
    groups+: [
      {
        name: 'meshlens.golden-signals',
        rules: [
          {
            alert: 'MeshlensWorkloadSuccessRateLow',
            expr: |||
              (
                (
                  sum by (%(W)s) (workload:meshlens_responses:rate%(a)s{classification="success"})
                  or
                  0 * sum by (%(W)s) (workload:meshlens_responses:rate%(a)s)
                )
                / on (%(W)s)
                sum by (%(W)s) (workload:meshlens_responses:rate%(a)s)
              ) < %(threshold)s
              and on (%(W)s)
              %(busy)s
            ||| % { W: W, a: a, threshold: c.successRateThreshold, busy: busy },
            'for': c.successRateFor,
            labels: { severity: c.ticketSeverity },
            annotations: {
              summary: 'A workload answers too many requests with failures.',
              description: 'The inbound success rate of {{ $labels.workload_kind }}/{{ $labels.workload }} in namespace {{ $labels.namespace }} is {{ $value | humanizePercentage }} (threshold %s).' % [c.successRateThreshold * 100 + '%'],
            },
            dashboard:: 'workload',
          },
          {
            alert: 'MeshlensWorkloadLatencyHigh',
            expr: |||
              max by (%(W)s) (workload:meshlens_response_latency_seconds:quantile_rate%(a)s{quantile="%(q)s"}) > %(threshold)s
              and on (%(W)s)
              %(busy)s
            ||| % { W: W, a: a, q: c.latencyQuantile, busy: busy, threshold: c.latencyThresholdSeconds },
            'for': c.latencyFor,
            labels: { severity: c.ticketSeverity },
            annotations: {
              summary: 'A workload answers slowly.',
              description: 'The inbound p%s latency of {{ $labels.workload_kind }}/{{ $labels.workload }} in namespace {{ $labels.namespace }} is {{ $value | humanizeDuration }} (threshold %ss).' % [c.latencyQuantile * 100, c.latencyThresholdSeconds],
            },
            dashboard:: 'workload',
          },
          {
            alert: 'MeshlensWorkloadTrafficStopped',
            expr: |||
              sum by (%(W)s) (workload:meshlens_requests:rate%(a)s offset %(lookback)s) >= %(min)s
              unless on (%(W)s)
              sum by (%(W)s) (workload:meshlens_requests:rate%(a)s) > 0
            ||| % { W: W, a: a, lookback: c.trafficStoppedLookback, min: c.minRequestRate },
            'for': c.trafficStoppedFor,
            labels: { severity: c.ticketSeverity },
            annotations: {
              summary: 'A workload that had traffic receives none.',
              description: '{{ $labels.workload_kind }}/{{ $labels.workload }} in namespace {{ $labels.namespace }} received requests %s ago and receives none now.' % c.trafficStoppedLookback,
            },
            dashboard:: 'workload',
          },
          {
            alert: 'MeshlensProxyDown',
            expr: 'meshlens_exporter_target_up{%s} == 0' % c.exporterSelector,
            'for': c.targetDownFor,
            labels: { severity: c.ticketSeverity },
            annotations: {
              summary: "The exporter cannot scrape a meshed pod's proxy.",
              description: "The proxy of pod {{ $labels.pod }} (workload {{ $labels.workload }}, namespace {{ $labels.namespace }}) has not answered the exporter's scrapes for %s." % c.targetDownFor,
            },
            dashboard:: 'pod',
          },
          {
            alert: 'MeshlensExporterDown',
            expr: 'up{%s} == 0' % c.exporterJobSelector,
            'for': c.targetDownFor,
            // without the exporter every other meshlens alert is blind
            labels: { severity: c.pageSeverity },
            annotations: {
              summary: 'Prometheus cannot scrape a meshlens exporter.',
              description: 'The meshlens exporter {{ $labels.instance }} has been down for %s: the proxies it scrapes are invisible and their alerts cannot fire.' % c.targetDownFor,
            },
            dashboard:: 'proxy-health',
          },
          {
            alert: 'MeshlensExporterScrapeErrors',
            expr: 'sum by (%s) (rate(meshlens_exporter_scrape_errors_total{%s}[%s])) > 0' % [p.by(p.cluster(c) + ['instance', 'reason']), c.exporterSelector, a],
            'for': c.scrapeErrorsFor,
            labels: { severity: c.ticketSeverity },
            annotations: {
              summary: 'The exporter keeps failing to scrape proxies.',
              description: 'The meshlens exporter {{ $labels.instance }} fails {{ $value | printf "%.2f" }} proxy scrapes per second with reason {{ $labels.reason }}.',
            },
            dashboard:: 'proxy-health',
          },
          {
            alert: 'MeshlensLabelOverflow',
            expr: 'sum by (%s, label) (rate(meshlens_label_overflow_total{%s}[%s])) > 0' % [W, c.exporterSelector, a],
            'for': c.labelOverflowFor,
            labels: { severity: c.ticketSeverity },
            annotations: {
              summary: 'A proxy replaces label values with "overflow".',
              description: 'Proxies of {{ $labels.workload_kind }}/{{ $labels.workload }} in namespace {{ $labels.namespace }} have more distinct {{ $labels.label }} values than their cap and count new ones as "overflow".',
            },
            dashboard:: 'proxy-health',
          },
        ],
      },
    ],
  },
}
