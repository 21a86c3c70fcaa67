// The PromQL behind the dashboards, apart from their layout. `s` is a selector body (without
// braces, may be empty); `by` a list of labels; `w` a range (normally '$__rate_interval').
local p = import '../lib/promql.libsonnet';

{
  new(c):: {
    local sum(by) = if std.length(by) == 0 then 'sum' else 'sum by (%s)' % p.by(by),
    // With _config.showMultiCluster every selector also picks the dashboard's cluster.
    local cluster = if c.showMultiCluster then ['%s="$cluster"' % c.clusterLabel] else [],
    local and(s, m) = p.sel(cluster + [s, m]),

    // The exporter's series, plus matchers.
    sel(matchers):: p.sel([c.exporterSelector] + cluster + matchers),
    // Recorded series (no job label), plus matchers.
    recorded(matchers):: p.sel(cluster + matchers),

    // From raw series.
    // "or 0 * all": a target where nothing succeeds shows 0%, not "no data"
    successRate(s, by, w='$__rate_interval')::
      '(\n  %(sum)s (rate(meshlens_responses_total{%(ok)s}[%(w)s]))\n  or\n  0 * %(sum)s (rate(meshlens_responses_total{%(s)s}[%(w)s]))\n)\n/\n%(sum)s (rate(meshlens_responses_total{%(s)s}[%(w)s]))'
      % { s: s, ok: and(s, 'classification="success"'), sum: sum(by), w: w },
    rps(s, by, w='$__rate_interval')::
      '%s (rate(meshlens_requests_total{%s}[%s]))' % [sum(by), s, w],
    rate(metric, s, by, w='$__rate_interval')::
      '%s (rate(%s{%s}[%s]))' % [sum(by), metric, s, w],
    quantile(qq, s, by, w='$__rate_interval')::
      p.quantile(qq, 'meshlens_response_latency_seconds', s, by, w),

    // From recorded workload rules (namespace pages stay fast on big clusters).
    local rw = c.dashboardWindow,
    recordedSuccessRate(s, by)::
      '(\n  %(sum)s (workload:meshlens_responses:rate%(w)s{%(ok)s})\n  or\n  0 * %(sum)s (workload:meshlens_responses:rate%(w)s{%(s)s})\n)\n/\n%(sum)s (workload:meshlens_responses:rate%(w)s{%(s)s})'
      % { s: p.sel(cluster + [s]), ok: and(s, 'classification="success"'), sum: sum(by), w: rw },
    recordedRps(s, by):: '%s (workload:meshlens_requests:rate%s{%s})' % [sum(by), rw, p.sel(cluster + [s])],
    // Recorded per workload and mesh-wide (rules/workload.libsonnet) for the quantiles in
    // _config.recordedQuantiles; `by` is the workload identity (or part of it), or [] for the mesh.
    recordedQuantile(qq, s, by)::
      if std.length(by) == 0 then 'max(mesh:meshlens_response_latency_seconds:quantile_rate%s{%s})' % [rw, and(s, 'quantile="%s"' % qq)]
      else 'max by (%s) (workload:meshlens_response_latency_seconds:quantile_rate%s{%s})' % [p.by(by), rw, and(s, 'quantile="%s"' % qq)],
    edges:: 'edge:meshlens_responses:rate' + rw,

    // A true zero instead of "No data": `expr`, or else 0 (with `labels`, e.g. a table row named
    // "(no callees)") as long as `exists` (an expression) has a series: a workload or pod that
    // exists but had none of these requests shows 0, one that does not exist still shows nothing.
    orZero(expr, exists, labels={}):: '%s\nor on ()\n%s' % [
      std.rstripChars(expr, '\n'),
      std.foldl(function(e, k) 'label_replace(%s, "%s", "%s", "", "")' % [e, k, labels[k]],
                std.objectFields(labels),
                '0 * sum(%s)' % exists),
    ],
    // The existence expressions for orZero.
    workloadExists(scope):: 'meshlens_workload_pods{%s}' % self.sel([scope, 'meshed="true"']),
    podExists(scope):: 'meshlens_proxy_info{%s}' % self.sel([scope]),
  },
}
