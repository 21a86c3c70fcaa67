package io.meshlens.exporter.scrape;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics.MetricFamily;

/**
 * Parses a Prometheus protobuf exposition (length-delimited {@code MetricFamily} messages), with
 * the protobuf classes that client_java ships, so there is no hand-written parser to get wrong.
 * This is the only class that names the shaded protobuf package.
 */
public final class ProtobufPage {
    /** The Accept header that asks client_java for the protobuf format. */
    public static final String ACCEPT = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
            + "encoding=delimited";

    private ProtobufPage() {}

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
