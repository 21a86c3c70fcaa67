package io.meshlens.exporter.scrape;

import java.util.List;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics.MetricFamily;

/**
 * One proxy's page: the bytes as received and what they decode to. Between cycles only the
 * bytes are kept (for serving a stale page when the next scrape fails): decoded protobuf objects
 * are about ten times larger, and keeping them had every page survive into the old generation.
 */
public record ScrapedPage(byte[] raw, List<MetricFamily> families) {
    public static final ScrapedPage EMPTY = new ScrapedPage(new byte[0], List.of());

    /** Series on the page (a histogram counts once). */
    public int series() {
        int n = 0;
        for (MetricFamily f : families) {
            n += f.getMetricCount();
        }
        return n;
    }
}
