// Every file the repository renders from the mixin, by path relative to the repository root:
// what an importer gets (dashboards, rules, alerts) plus what only this repository ships (Grafana
// provisioning, the example Alertmanager config). MixinRenderer writes .json as JSON and
// .yaml/.yml as YAML, and adds the kustomize config maps.
function(imported)
  local mixin = imported + (import 'provisioning.libsonnet') + (import 'alertmanager.libsonnet');
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
