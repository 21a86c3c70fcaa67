// Every file the mixin renders, by path relative to the repository root. MixinRenderer writes
// .json as JSON and .yaml/.yml as YAML, and adds the kustomize config maps.
function(mixin)
  local isSlo(g) = std.startsWith(g.name, 'meshlens.slo');
  {
    ['grafana/dashboards/' + name]: mixin.grafanaDashboards[name]
    for name in std.objectFields(mixin.grafanaDashboards)
  } + {
    'grafana/provisioning/datasources/meshlens.yaml': mixin.grafanaProvisioning.datasources,
    'grafana/provisioning/dashboards/meshlens.yaml': mixin.grafanaProvisioning.dashboards,
    'alerts/meshlens-rules.yaml': { groups: [g for g in mixin.prometheusRules.groups if !isSlo(g)] },
    'alerts/meshlens-alerts.yaml': { groups: [g for g in mixin.prometheusRules.groups if isSlo(g)] + mixin.prometheusAlerts.groups },
    'alerts/alertmanager.yml': mixin.alertmanagerConfig,
  }
