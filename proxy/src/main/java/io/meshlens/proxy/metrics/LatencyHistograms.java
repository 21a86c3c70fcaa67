package io.meshlens.proxy.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;

/**
 * {@code meshlens_response_latency_seconds}: the {@link LatencyHistogram}s of all edges, exposed
 * through the registry like any client_java metric (text, OpenMetrics and protobuf writers
 * alike). client_java's own {@code Histogram} is not used because its {@code observe} allocates a
 * lambda per call (32-56 B per response) and its native schema varies per data point with the
 * observed range, which this one fixes (see {@link LatencyBuckets}).
 */
final class LatencyHistograms implements Collector {
    private static final MeshlensMetrics METRIC = MeshlensMetrics.RESPONSE_LATENCY;

    private final String[] labelNames = METRIC.labelArray();
    private final MetricMetadata metadata = new MetricMetadata(METRIC.metricName(), METRIC.help());
    private final ConcurrentHashMap<Labels, LatencyHistogram> histograms = new ConcurrentHashMap<>();

    /** The data point for these label values (in {@link MeshlensMetrics#RESPONSE_LATENCY}'s order), made once. */
    LatencyHistogram histogram(String... labelValues) {
        if (labelValues.length != labelNames.length) {
            throw new IllegalArgumentException("labelValues: " + labelValues.length + " values (expected: "
                                               + labelNames.length + ", " + METRIC.labelNames() + ")");
        }
        return histograms.computeIfAbsent(Labels.of(labelNames.clone(), labelValues.clone()), LatencyHistogram::new);
    }

    @Override
    public HistogramSnapshot collect() {
        List<HistogramDataPointSnapshot> points = new ArrayList<>(histograms.size());
        for (LatencyHistogram h : histograms.values()) {
            points.add(h.snapshot());
        }
        return new HistogramSnapshot(metadata, points);
    }

    @Override
    public String getPrometheusName() {
        return metadata.getPrometheusName();
    }

    @Override
    public MetricType getMetricType() {
        return MetricType.HISTOGRAM;
    }

    @Override
    public Set<String> getLabelNames() {
        return Set.of(labelNames);
    }

    @Override
    public MetricMetadata getMetadata() {
        return metadata;
    }
}
