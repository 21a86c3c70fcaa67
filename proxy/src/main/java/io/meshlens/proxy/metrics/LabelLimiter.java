package io.meshlens.proxy.metrics;

import java.util.concurrent.ConcurrentHashMap;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;

/**
 * Bounds one label's cardinality: the first {@code cap} distinct values pass, later ones become
 * {@value MeshlensMetrics#OVERFLOW} and are counted. One map lookup on the hot path.
 */
final class LabelLimiter {
    private final ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
    private final int cap;
    private final CounterDataPoint overflow;

    LabelLimiter(int cap, CounterDataPoint overflow) {
        this.cap = cap;
        this.overflow = overflow;
    }

    String limit(String value) {
        if (seen.containsKey(value)) {
            return value;
        }
        if (seen.size() >= cap) {
            overflow.inc();
            return MeshlensMetrics.OVERFLOW;
        }
        seen.putIfAbsent(value, Boolean.TRUE);
        return value;
    }
}
