// The meshlens monitoring mixin: Grafana dashboards, recording rules, golden-signal and SLO
// alerts for every meshed workload. Install it with jsonnet-bundler and import it as the other
// mixins (kubernetes-mixin, node-mixin):
//   local meshlens = (import 'jsonnet/mixin.libsonnet') + { _config+:: { ... } };
//   meshlens.grafanaDashboards / meshlens.prometheusRules / meshlens.prometheusAlerts
// render/ holds what only this repository renders (Grafana provisioning, an Alertmanager example).
local stamp = (import 'lib/alerts.libsonnet').stamp;

(import 'config.libsonnet')
+ (import 'rules/rules.libsonnet')
+ (import 'alerts/alerts.libsonnet')
+ (import 'dashboards/dashboards.libsonnet')
+ {
  local c = self._config,
  prometheusAlerts+:: { groups: stamp(c, super.groups) },
}
