// One pass that stamps every alert with its runbook (docs/alerts.md, anchored by alert name)
// and a link to the dashboard its hidden `dashboard` field names, with the alert's labels as
// dashboard variables.
{
  stamp(c, groups):: [
    g {
      rules: [
        if std.objectHas(r, 'alert') then r {
          annotations+: {
            runbook_url: '%s#%s' % [c.runbookUrlBase, std.asciiLower(r.alert)],
            dashboard_url: '%s/d/%s%s/%s%s%s' % [
              c.grafanaUrl,
              c.dashboardUidPrefix,
              r.dashboard,
              c.dashboardUidPrefix,
              r.dashboard,
              if std.member(['workload', 'slo'], r.dashboard) then '?var-namespace={{ $labels.namespace }}&var-workload={{ $labels.workload }}'
              else if r.dashboard == 'pod' then '?var-namespace={{ $labels.namespace }}&var-workload={{ $labels.workload }}&var-pod={{ $labels.pod }}'
              else '',
            ],
          },
        } else r
        for r in g.rules
      ],
    }
    for g in groups
  ],
}
