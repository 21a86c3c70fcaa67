// Template variables shared by the dashboards.
local d = import '../lib/dashboard.libsonnet';

{
  new(c):: {
    local S = (import 'queries.libsonnet').new(c).sel([]),
    namespace: d.queryVariable('namespace', 'Namespace', 'label_values(meshlens_workload_pods{%s}, namespace)' % S),
    workload: d.queryVariable('workload',
                              'Workload',
                              'label_values(meshlens_workload_pods{%s, namespace="$namespace", meshed="true"}, workload)' % S),
    pod: d.queryVariable('pod', 'Pod', 'label_values(meshlens_proxy_info{%s, namespace="$namespace", workload="$workload"}, pod)' % S),
    route: d.queryVariable('route',
                           'Route',
                           'label_values(meshlens_requests_total{%s, namespace="$namespace", workload="$workload", direction="inbound"}, route)' % S),
    authority: d.queryVariable('authority',
                               'Authority',
                               'label_values(meshlens_requests_total{%s, namespace="$namespace", direction="outbound"}, authority)' % S),
  },
}
