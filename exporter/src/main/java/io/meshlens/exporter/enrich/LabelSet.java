package io.meshlens.exporter.enrich;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import io.prometheus.metrics.model.snapshots.Labels;

/** An immutable label set, sorted by name: the identity of one output series within its family. */
public final class LabelSet implements Comparable<LabelSet> {
    /**
     * One shared names array per distinct label-name set: series of a family almost always share
     * their names, so comparisons and equality see the same array and skip it.
     */
    private static final ConcurrentHashMap<List<String>, String[]> NAME_SETS = new ConcurrentHashMap<>();
    /**
     * Canonical label values. Every scrape decodes fresh strings, yet a value (a workload, an
     * authority, a status code) repeats across thousands of series; sharing one instance makes
     * the sort before output compare references instead of characters. Cleared when it grows
     * past its bound, so churn (pod names) cannot grow it forever.
     */
    private static final int MAX_POOLED_VALUES = 262_144;
    private static final ConcurrentHashMap<String, String> VALUES = new ConcurrentHashMap<>();

    private final String[] names;
    private final String[] values;
    private final int hash;

    private LabelSet(String[] names, String[] values) {
        this.names = names;
        this.values = values;
        this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
    }

    /** Starts a label set of about {@code expected} labels (cheaper than a map on the hot path). */
    public static Builder builder(int expected) {
        return new Builder(expected);
    }

    /** Collects labels in any order; a name added twice keeps its last value, as a map would. */
    public static final class Builder {
        private String[] names;
        private String[] values;
        private int size;

        private Builder(int expected) {
            names = new String[Math.max(4, expected)];
            values = new String[names.length];
        }

        public Builder put(String name, String value) {
            if (size == names.length) {
                names = Arrays.copyOf(names, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            names[size] = name;
            values[size] = value;
            size++;
            return this;
        }

        /** The value last put for {@code name}, or {@code fallback}. */
        public String get(String name, String fallback) {
            for (int i = size - 1; i >= 0; i--) {
                if (names[i].equals(name)) {
                    return values[i];
                }
            }
            return fallback;
        }

        public LabelSet build() {
            // Stable insertion sort: label sets are small (about 20), and stability lets the
            // last of equal names win below.
            for (int i = 1; i < size; i++) {
                String n = names[i];
                String v = values[i];
                int j = i - 1;
                while (j >= 0 && names[j].compareTo(n) > 0) {
                    names[j + 1] = names[j];
                    values[j + 1] = values[j];
                    j--;
                }
                names[j + 1] = n;
                values[j + 1] = v;
            }
            int w = 0;
            for (int i = 0; i < size; i++) {
                if (w > 0 && names[w - 1].equals(names[i])) {
                    values[w - 1] = values[i];
                } else {
                    names[w] = names[i];
                    values[w] = values[i];
                    w++;
                }
            }
            String[] n = Arrays.copyOf(names, w);
            return new LabelSet(NAME_SETS.computeIfAbsent(List.of(n), k -> n), canonical(Arrays.copyOf(values, w)));
        }
    }

    private static String[] canonical(String[] values) {
        if (VALUES.size() > MAX_POOLED_VALUES) {
            VALUES.clear();
        }
        for (int i = 0; i < values.length; i++) {
            String v = VALUES.putIfAbsent(values[i], values[i]);
            if (v != null) {
                values[i] = v;
            }
        }
        return values;
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
        return hash == other.hash && (names == other.names || Arrays.equals(names, other.names)) && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /**
     * The order of client_java's {@code Labels.compareTo} (names, then values): handing snapshots
     * data points already in this order makes their own sort a linear pass.
     */
    @Override
    public int compareTo(LabelSet other) {
        int c = names == other.names ? 0 : compare(names, other.names);
        return c != 0 ? c : compare(values, other.values);
    }

    private static int compare(String[] a, String[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                int c = a[i].compareTo(b[i]);
                if (c != 0) {
                    return c;
                }
            }
        }
        return Integer.compare(a.length, b.length);
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
