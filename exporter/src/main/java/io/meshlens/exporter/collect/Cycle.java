package io.meshlens.exporter.collect;

import java.util.List;
import java.util.Map;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/**
 * The published result of one scrape cycle: what {@code /metrics} serves and the API reads,
 * replaced as a whole so readers never see half a cycle.
 */
public record Cycle(long nanos, Map<String, TargetState> targets, List<MetricSnapshot> enriched) {
    static final Cycle NONE = new Cycle(0, Map.of(), List.of());

    public boolean done() {
        return nanos != 0;
    }
}
