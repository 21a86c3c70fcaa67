package io.meshlens.exporter.enrich;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/**
 * The enriched output, family by family, kept from one cycle to the next: each cycle starts with
 * {@link #beginCycle}, adds every page, and ends with {@link #toSnapshots}, which publishes what
 * the cycle added and drops what it did not. Used by the collection loop's thread only.
 */
public final class Aggregation {
    private final Map<String, FamilyAcc> families = new TreeMap<>();
    private int cycle;

    public void beginCycle() {
        cycle++;
    }

    /**
     * The family named {@code name}; the first type seen for a name in a cycle wins (a proxy
     * reporting the same name with another type is ignored rather than corrupting the family).
     */
    FamilyAcc family(String name, FamilyType type, String help) {
        FamilyAcc f = families.get(name);
        if (f == null || (f.cycle != cycle && f.type() != type)) {
            if (f != null) {
                f.discard();
            }
            f = new FamilyAcc(name, type, help);
            families.put(name, f);
        }
        if (f.cycle != cycle) {
            f.begin(cycle, help);
        }
        return f.type() == type ? f : null;
    }

    /** The family named {@code name} if this cycle has it. */
    public FamilyAcc get(String name) {
        FamilyAcc f = families.get(name);
        return f != null && f.cycle == cycle ? f : null;
    }

    /** This cycle's families. */
    public Collection<FamilyAcc> families() {
        List<FamilyAcc> out = new ArrayList<>(families.size());
        for (FamilyAcc f : families.values()) {
            if (f.cycle == cycle) {
                out.add(f);
            }
        }
        return out;
    }

    public int seriesCount() {
        int n = 0;
        for (FamilyAcc f : families()) {
            n += f.size();
        }
        return n;
    }

    /** The output of this cycle, by family name; families it did not see are dropped. */
    public List<MetricSnapshot> toSnapshots() {
        List<MetricSnapshot> out = new ArrayList<>(families.size());
        for (Iterator<FamilyAcc> it = families.values().iterator(); it.hasNext();) {
            FamilyAcc f = it.next();
            if (f.cycle != cycle) {
                f.discard();
                it.remove();
            } else {
                out.add(f.toSnapshot());
            }
        }
        return out;
    }
}
