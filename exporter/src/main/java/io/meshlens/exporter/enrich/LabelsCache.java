package io.meshlens.exporter.enrich;

import java.util.HashMap;
import java.util.Map;

import io.prometheus.metrics.model.snapshots.Labels;

/**
 * client_java {@link Labels} for our label sets, reused from one cycle to the next. Building a
 * {@code Labels} validates every name and was most of the exporter's allocation (about 2 KB per
 * series per cycle); from one cycle to the next nearly every series is the same, so the previous
 * cycle's objects are handed out again. Only series seen in the last cycle are kept, so the cache
 * is never larger than one cycle's output. Used by the collection loop's thread only.
 */
public final class LabelsCache {
    private Map<LabelSet, Labels> previous = new HashMap<>();
    private Map<LabelSet, Labels> current = new HashMap<>();

    Labels labels(LabelSet set) {
        Labels l = current.get(set);
        if (l == null) {
            l = previous.get(set);
            if (l == null) {
                l = set.toLabels();
            }
            current.put(set, l);
        }
        return l;
    }

    /** Ends a cycle: what was not asked for in it is dropped. */
    void endCycle() {
        previous = current;
        current = new HashMap<>(previous.size() * 4 / 3 + 16);
    }
}
