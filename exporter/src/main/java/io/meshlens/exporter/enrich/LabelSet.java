package io.meshlens.exporter.enrich;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import io.prometheus.metrics.model.snapshots.Labels;

/** An immutable label set, sorted by name: the identity of one output series within its family. */
public final class LabelSet {
    private final String[] names;
    private final String[] values;
    private final int hash;

    private LabelSet(String[] names, String[] values) {
        this.names = names;
        this.values = values;
        this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
    }

    public static LabelSet of(Map<String, String> labels) {
        TreeMap<String, String> sorted = new TreeMap<>(labels);
        return new LabelSet(sorted.keySet().toArray(new String[0]), sorted.values().toArray(new String[0]));
    }

    /** The value of {@code name}, or {@code ""} when absent (as Prometheus treats a missing label). */
    public String get(String name) {
        int i = Arrays.binarySearch(names, name);
        return i < 0 ? "" : values[i];
    }

    public Labels toLabels() {
        return Labels.of(names, values);
    }

    public int size() {
        return names.length;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LabelSet)) {
            return false;
        }
        LabelSet other = (LabelSet) o;
        return hash == other.hash && Arrays.equals(names, other.names) && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            b.append(i == 0 ? "" : ",").append(names[i]).append("=\"").append(values[i]).append('"');
        }
        return b.append('}').toString();
    }
}
