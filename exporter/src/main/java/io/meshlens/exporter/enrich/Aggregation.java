package io.meshlens.exporter.enrich;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** The enriched output of one scrape cycle, family by family. */
public final class Aggregation {
    private final Map<String, FamilyAcc> families = new TreeMap<>();

    /**
     * The family named {@code name}; the first type seen for a name wins (a proxy reporting the
     * same name with another type is ignored rather than corrupting the family).
     */
    FamilyAcc family(String name, FamilyType type, String help) {
        FamilyAcc f = families.computeIfAbsent(name, n -> new FamilyAcc(n, type, help));
        return f.type() == type ? f : null;
    }

    public FamilyAcc get(String name) {
        return families.get(name);
    }

    public Collection<FamilyAcc> families() {
        return families.values();
    }

    public int seriesCount() {
        int n = 0;
        for (FamilyAcc f : families.values()) {
            n += f.size();
        }
        return n;
    }

    /** The output of this cycle; {@code cache} carries label objects over from the last one. */
    public List<MetricSnapshot> toSnapshots(LabelsCache cache) {
        List<MetricSnapshot> out = new ArrayList<>(families.size());
        for (FamilyAcc f : families.values()) {
            out.add(f.toSnapshot(cache));
        }
        cache.endCycle();
        return out;
    }
}
