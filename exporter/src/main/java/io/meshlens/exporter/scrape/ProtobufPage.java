package io.meshlens.exporter.scrape;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics.MetricFamily;

/**
 * Checks and parses a Prometheus protobuf exposition (length-delimited {@code MetricFamily}
 * messages). {@link #check} is what every scrape runs: a full walk with {@link PageReader} (no
 * message objects) that rejects what the generated parser would reject, so that enrichment,
 * which walks the page again, never meets a broken page halfway through. {@link #parse} builds
 * client_java's generated message objects, for tests and tools that want to inspect a page.
 */
public final class ProtobufPage {
    /** The Accept header that asks client_java for the protobuf format. */
    public static final String ACCEPT = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
            + "encoding=delimited";

    /** The proxy's own version: {@code meshlens_proxy_info{version}}. */
    private static final String PROXY_INFO = "meshlens_proxy_info";

    private ProtobufPage() {}

    /**
     * Walks a whole page: every family, metric, label pair and value.
     *
     * @return the page with its series count and the proxy's version ({@code ""} when absent)
     * @throws ScrapeException {@code parse} for bytes that are not a delimited protobuf page or a
     *     family without a name, {@code too_many_series} past {@code maxSeries}
     */
    public static ScrapedPage check(byte[] page, int maxSeries, String target) throws ScrapeException {
        int series = 0;
        String version = "";
        String[] label = new String[2];
        try {
            PageReader r = new PageReader(page, true);
            while (r.nextFamily()) {
                if (!r.hasName()) {
                    throw new ScrapeException(ScrapeError.PARSE, target + ": a metric family without a name");
                }
                series += r.metricCount();
                if (series > maxSeries) {
                    throw new ScrapeException(ScrapeError.TOO_MANY_SERIES, target + ": more than " + maxSeries
                            + " series (the per-target cap)");
                }
                boolean info = version.isEmpty() && r.familyName().equals(PROXY_INFO);
                while (r.nextMetric()) {
                    for (int i = 0; info && i < r.labelCount(); i++) {
                        r.label(i, label);
                        if ("version".equals(label[0])) {
                            version = label[1];
                            info = false;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ScrapeException(ScrapeError.PARSE, target + ": not a protobuf exposition (" + e.getMessage() + ")");
        }
        return new ScrapedPage(page, series, version);
    }

    /**
     * @throws ScrapeException {@code parse} for bytes that are not a delimited protobuf page,
     *     {@code too_many_series} past {@code maxSeries}
     */
    public static List<MetricFamily> parse(byte[] page, int maxSeries, String target) throws ScrapeException {
        List<MetricFamily> out = new ArrayList<>();
        ByteArrayInputStream in = new ByteArrayInputStream(page);
        int series = 0;
        try {
            MetricFamily f;
            while ((f = MetricFamily.parseDelimitedFrom(in)) != null) {
                if (f.getName().isEmpty()) {
                    throw new ScrapeException(ScrapeError.PARSE, target + ": a metric family without a name");
                }
                series += f.getMetricCount();
                if (series > maxSeries) {
                    throw new ScrapeException(ScrapeError.TOO_MANY_SERIES, target + ": more than " + maxSeries
                            + " series (the per-target cap)");
                }
                out.add(f);
            }
        } catch (IOException | RuntimeException e) {
            throw new ScrapeException(ScrapeError.PARSE, target + ": not a protobuf exposition (" + e.getMessage() + ")");
        }
        return out;
    }
}
