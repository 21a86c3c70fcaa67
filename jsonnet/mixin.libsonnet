// The meshlens monitoring mixin: Grafana dashboards, recording rules, golden-signal and SLO
// alerts for every meshed workload. kube-prometheus users import it as is:
//   local meshlens = (import 'meshlens/jsonnet/mixin.libsonnet') + { _config+:: { ... } };
//   meshlens.grafanaDashboards / meshlens.prometheusRules / meshlens.prometheusAlerts
local stamp = (import 'lib/alerts.libsonnet').stamp;

(import 'config.libsonnet')
+ (import 'rules/rules.libsonnet')
+ (import 'alerts/alerts.libsonnet')
+ (import 'alerts/alertmanager.libsonnet')
+ (import 'dashboards/dashboards.libsonnet')
+ (import 'dashboards/provisioning.libsonnet')
+ {
  local c = self._config,
  prometheusAlerts+:: { groups: stamp(c, super.groups) },
}
