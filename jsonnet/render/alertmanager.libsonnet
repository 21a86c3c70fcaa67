// An example Alertmanager configuration: pages and tickets go to different receivers, and an SLO
// ticket is held back while a page for the same SLO of the same workload fires.
{
  local c = $._config,
  alertmanagerConfig:: {
    route: {
      receiver: 'ticket',
      group_by: ['alertname'] + (import '../lib/promql.libsonnet').workload(c) + ['sli'],
      group_wait: c.alertmanagerGroupWait,
      group_interval: c.alertmanagerGroupInterval,
      repeat_interval: '12h',
      routes: [
        { receiver: 'page', matchers: ['severity="%s"' % c.pageSeverity], repeat_interval: '1h' },
        { receiver: 'ticket', matchers: ['severity="%s"' % c.ticketSeverity] },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: ['severity="%s"' % c.pageSeverity],
        target_matchers: ['severity="%s"' % c.ticketSeverity],
        // golden-signal tickets have no `sli` label, so only the same SLO's ticket is held
        equal: (import '../lib/promql.libsonnet').workload(c) + ['sli'],
      },
    ],
    receivers: [
      { name: 'page', webhook_configs: [{ url: c.pageWebhookUrl, send_resolved: true }] },
      { name: 'ticket', webhook_configs: [{ url: c.ticketWebhookUrl, send_resolved: true }] },
    ],
  },
}
