package io.meshlens.exporter.collect;

import java.util.List;

import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.WorkloadRef;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics.MetricFamily;

/**
 * One proxy as the last cycle left it: up or down (and why), and its last good page, which is
 * served until it is {@code staleAfter} old so a single failed scrape does not punch a hole into
 * every graph.
 *
 * @param lastSuccessNanos {@code System.nanoTime()} of the last good scrape, 0 if none
 * @param version the proxy's own {@code meshlens_proxy_info{version}}, {@code ""} until known
 */
public record TargetState(PodInfo pod, WorkloadRef workload, boolean up, String lastError, long lastSuccessNanos,
                          List<MetricFamily> page, String version) {
}
