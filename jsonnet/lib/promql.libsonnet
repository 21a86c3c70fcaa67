// PromQL building blocks shared by rules, alerts and dashboards.
{
  // Seconds in a Prometheus duration made of one unit: '5m' -> 300.
  seconds(d)::
    local units = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
    local unit = std.substr(d, std.length(d) - 1, 1);
    if !std.objectHas(units, unit) then error 'duration: ' + d + ' (expected: <number><s|m|h|d|w>)'
    else std.parseInt(std.substr(d, 0, std.length(d) - 1)) * units[unit],

  // "namespace, workload_kind, workload" from ['namespace', ...].
  by(labels):: std.join(', ', labels),

  // The identity of a workload, the level of most rules (with the cluster label first when the
  // config spans clusters).
  workload(c):: $.cluster(c) + ['namespace', 'workload_kind', 'workload'],
  // Both ends of an edge.
  edge(c):: $.cluster(c) + ['src_namespace', 'src_kind', 'src_workload', 'dst_namespace', 'dst_kind', 'dst_workload'],
  // [clusterLabel] with _config.showMultiCluster, else [].
  cluster(c):: if c.showMultiCluster then [c.clusterLabel] else [],

  // A selector from non-empty matcher strings.
  sel(matchers):: std.join(', ', std.filter(function(m) m != '', matchers)),

  // Latency histograms exist as native histograms (Prometheus 3 with scrape_native_histograms
  // scrapes the protobuf format and then stores only those) or as classic _bucket series. Every query over them asks for both: exactly one
  // side has data, so the union is the answer in either setup.
  //   metric: the histogram's name; for recorded ones, the name of the native rule, whose classic
  //   twin is named with `_bucket` inserted before the first ':' after the level.
  quantile(q, metric, selector, by, window=null)::
    local select(m) = if selector == '' then m else m + '{' + selector + '}';
    local rate(m) = if window == null then select(m) else 'rate(' + select(m) + '[' + window + '])';
    local byNative = if std.length(by) == 0 then '' else ' by (' + $.by(by) + ')';
    |||
      histogram_quantile(%(q)s, sum%(byNative)s (%(native)s))
      or
      histogram_quantile(%(q)s, sum by (%(byClassic)s) (%(classic)s))
    ||| % {
      q: q,
      byNative: byNative,
      byClassic: $.by(by + ['le']),
      native: rate(metric),
      classic: rate($.bucketName(metric)),
    },

  // meshlens_response_latency_seconds -> meshlens_response_latency_seconds_bucket;
  // workload:meshlens_response_latency_seconds:rate1m -> workload:meshlens_response_latency_seconds_bucket:rate1m
  bucketName(metric)::
    local parts = std.split(metric, ':');
    if std.length(parts) == 1 then metric + '_bucket'
    else std.join(':', [parts[0], parts[1] + '_bucket'] + parts[2:]),

  // A one-line form of a multi-line expression, for places that want one (panel legends, tests).
  oneLine(expr):: std.join(' ', std.filter(function(l) l != '', [std.stripChars(l, ' ') for l in std.split(expr, '\n')])),
}
