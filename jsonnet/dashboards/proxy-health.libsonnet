local d = import '../lib/dashboard.libsonnet';
local p = import '../lib/promql.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    local q = (import 'queries.libsonnet').new(c),
    local S = q.sel([]),
    local pods = q.sel(['pod!=""']),

    'meshlens-proxy-health.json': d.dashboard(c,
                                              'proxy-health',
                                              'Proxy health',
                                              "The monitoring pipeline itself: proxy versions, exporter scrapes, cardinality overflow, tap drops, and the proxies' JVM, CPU and memory.",
                                              [
                                                d.row('Proxies and exporter'),
                                                d.table('Proxy versions', 'Meshed pods per proxy version (stale proxies stand out).', [
                                                  d.target('count by (version) (meshlens_proxy_info{%s})' % S),
                                                  d.target('count by (version) (count by (version, workload) (meshlens_proxy_info{%s}))' % S),
                                                ], [
                                                  d.column('version', 'Version'),
                                                  d.column('Value #A', 'Pods', decimals=0),
                                                  d.column('Value #B', 'Workloads', decimals=0),
                                                ], w=8),
                                                d.stat('Proxies scraped', 'Proxies whose last scrape by an exporter succeeded.', [d.target('sum(meshlens_exporter_target_up{%s})' % S)], w=4),
                                                d.stat('Proxies down',
                                                       'Proxies whose last scrape failed.',
                                                       [d.target('count(meshlens_exporter_target_up{%s} == 0) or vector(0)' % S)],
                                                       w=4,
                                                       thresholds=d.thresholds([[null, 'green'], [1, 'red']])),
                                                d.timeseries('Scrape errors', 'Failed proxy scrapes per second by reason.', [
                                                  d.target(q.rate('meshlens_exporter_scrape_errors_total', S, ['reason']), '{{reason}}'),
                                                ], 'ops', w=8),
                                                d.timeseries('Scrape duration', 'p50 and p99 of one proxy scrape.', [
                                                  d.target(p.quantile(0.5, 'meshlens_exporter_scrape_duration_seconds', S, [], '$__rate_interval'), 'p50'),
                                                  d.target(p.quantile(0.99, 'meshlens_exporter_scrape_duration_seconds', S, [], '$__rate_interval'), 'p99'),
                                                ], 's', w=8),
                                                d.timeseries('Series', 'Series read from proxies and written after enrichment.', [
                                                  d.target('sum by (stage) (meshlens_exporter_series{%s})' % S, '{{stage}}'),
                                                ], w=8),
                                                d.timeseries('Label overflow', 'Label values replaced by "overflow" per second (a proxy hit its cardinality cap), by workload and label.', [
                                                  d.target(q.rate('meshlens_label_overflow_total', S, ['namespace', 'workload', 'label']), '{{namespace}}/{{workload}} {{label}}'),
                                                ], 'ops', w=8),
                                                d.timeseries('Tap events dropped', 'Tap events dropped per second because a subscriber was too slow.', [
                                                  d.target(q.rate('meshlens_tap_events_dropped_total', pods, ['namespace', 'pod']), '{{namespace}}/{{pod}}'),
                                                ], 'ops', w=8),
                                                d.row('Proxy JVM and process'),
                                                d.timeseries('Heap used', 'JVM heap used per proxy (pod).', [
                                                  d.target('sum by (namespace, pod) (jvm_memory_used_bytes{%s})' % q.sel(['pod!=""', 'area="heap"']), '{{namespace}}/{{pod}}'),
                                                ], 'bytes', w=12),
                                                d.timeseries('GC time', 'Share of time each proxy spends in garbage collection.', [
                                                  d.target(q.rate('jvm_gc_collection_seconds_sum', pods, ['namespace', 'pod']), '{{namespace}}/{{pod}}'),
                                                ], 'percentunit', w=12),
                                                d.timeseries('CPU', 'CPU seconds per second per proxy.', [
                                                  d.target(q.rate('process_cpu_seconds_total', pods, ['namespace', 'pod']), '{{namespace}}/{{pod}}'),
                                                ], 'percentunit', w=12),
                                                d.timeseries('RSS', 'Resident memory per proxy process.', [
                                                  d.target('sum by (namespace, pod) (process_resident_memory_bytes{%s})' % pods, '{{namespace}}/{{pod}}'),
                                                ], 'bytes', w=12),
                                              ]),
  },
}
