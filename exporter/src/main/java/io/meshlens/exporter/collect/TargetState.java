package io.meshlens.exporter.collect;

import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.WorkloadRef;

/**
 * One proxy as the last cycle left it: up or down (and why), and its last good page (as received,
 * undecoded), which is served until it is {@code staleAfter} old so a single failed scrape does
 * not punch a hole into every graph.
 *
 * @param lastSuccessNanos {@code System.nanoTime()} of the last good scrape, 0 if none
 * @param lastPage the last good page's bytes, empty when none is fresh enough to serve
 * @param series series on that page
 * @param version the proxy's own {@code meshlens_proxy_info{version}}, {@code ""} until known
 */
public record TargetState(PodInfo pod, WorkloadRef workload, boolean up, String lastError, long lastSuccessNanos,
                          byte[] lastPage, int series, String version) {
}
