// An example Alertmanager configuration: pages and tickets go to different receivers, and an SLO
// ticket is held back while a page for the same SLO of the same workload fires.
{
  local c = $._config,
  alertmanagerConfig:: {
    route: {
      receiver: 'ticket',
      group_by: ['alertname', 'namespace', 'workload_kind', 'workload', 'sli'],
      group_wait: c.alertmanagerGroupWait,
      group_interval: c.alertmanagerGroupInterval,
      repeat_interval: '12h',
      routes: [
        { receiver: 'page', matchers: ['severity="page"'], repeat_interval: '1h' },
        { receiver: 'ticket', matchers: ['severity="ticket"'] },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: ['severity="page"'],
        target_matchers: ['severity="ticket"'],
        // golden-signal tickets have no `sli` label, so only the same SLO's ticket is held
        equal: ['namespace', 'workload_kind', 'workload', 'sli'],
      },
    ],
    receivers: [
      { name: 'page', webhook_configs: [{ url: c.pageWebhookUrl, send_resolved: true }] },
      { name: 'ticket', webhook_configs: [{ url: c.ticketWebhookUrl, send_resolved: true }] },
    ],
  },
}
