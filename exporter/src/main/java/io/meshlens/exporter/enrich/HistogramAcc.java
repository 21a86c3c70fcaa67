package io.meshlens.exporter.enrich;

import java.util.Map;
import java.util.TreeMap;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;

/**
 * Sums histograms that became one series after enrichment: classic buckets (cumulative counts
 * per upper bound) and native buckets (absolute counts per index, brought to the lowest schema
 * of the inputs, as Prometheus does when it adds native histograms).
 */
public final class HistogramAcc {
    /** Upper bound -> cumulative count. */
    private final TreeMap<Double, Long> classic = new TreeMap<>();
    private long count;
    private double sum;
    private boolean hasNative;
    private int schema;
    private double zeroThreshold;
    private long zeroCount;
    private TreeMap<Integer, Long> positive = new TreeMap<>();
    private TreeMap<Integer, Long> negative = new TreeMap<>();

    void add(Metrics.Histogram h) {
        long sampleCount = h.getSampleCount();
        TreeMap<Double, Long> incoming = new TreeMap<>();
        for (Metrics.Bucket b : h.getBucketList()) {
            incoming.put(b.getUpperBound(), b.getCumulativeCount());
        }
        if (!incoming.isEmpty()) {
            incoming.put(Double.POSITIVE_INFINITY, sampleCount);
        }
        mergeClassic(incoming);
        count += sampleCount;
        sum += h.getSampleSum();
        if (h.hasSchema() && (h.getPositiveSpanCount() > 0 || h.getNegativeSpanCount() > 0 || h.getZeroCount() > 0
                              || incoming.isEmpty())) {
            addNative(h);
        } else if (hasNative && sampleCount > 0) {
            hasNative = false; // a classic-only input: a native sum would no longer add up
        }
    }

    /** Cumulative counts at the union of bounds (a series without a bound counts what it had below it). */
    private void mergeClassic(TreeMap<Double, Long> incoming) {
        if (incoming.isEmpty()) {
            return;
        }
        if (classic.isEmpty()) {
            classic.putAll(incoming);
            return;
        }
        if (classic.keySet().equals(incoming.keySet())) {
            incoming.forEach((le, c) -> classic.merge(le, c, Long::sum));
            return;
        }
        TreeMap<Double, Long> merged = new TreeMap<>();
        for (Double le : union(classic, incoming)) {
            merged.put(le, at(classic, le) + at(incoming, le));
        }
        classic.clear();
        classic.putAll(merged);
    }

    private static java.util.SortedSet<Double> union(TreeMap<Double, Long> a, TreeMap<Double, Long> b) {
        java.util.TreeSet<Double> s = new java.util.TreeSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    private static long at(TreeMap<Double, Long> cumulative, double le) {
        Map.Entry<Double, Long> e = cumulative.floorEntry(le);
        return e == null ? 0 : e.getValue();
    }

    private void addNative(Metrics.Histogram h) {
        TreeMap<Integer, Long> pos = expand(h.getPositiveSpanList(), h.getPositiveDeltaList());
        TreeMap<Integer, Long> neg = expand(h.getNegativeSpanList(), h.getNegativeDeltaList());
        int s = h.getSchema();
        if (!hasNative) {
            hasNative = true;
            schema = s;
            zeroThreshold = h.getZeroThreshold();
            zeroCount = h.getZeroCount();
            positive = pos;
            negative = neg;
            return;
        }
        if (s < schema) {
            positive = downscale(positive, schema - s);
            negative = downscale(negative, schema - s);
            schema = s;
        } else if (s > schema) {
            pos = downscale(pos, s - schema);
            neg = downscale(neg, s - schema);
        }
        zeroThreshold = Math.max(zeroThreshold, h.getZeroThreshold());
        zeroCount += h.getZeroCount();
        pos.forEach((i, c) -> positive.merge(i, c, Long::sum));
        neg.forEach((i, c) -> negative.merge(i, c, Long::sum));
    }

    /** Spans + delta-encoded counts (the protobuf layout) to absolute counts per bucket index. */
    private static TreeMap<Integer, Long> expand(java.util.List<Metrics.BucketSpan> spans, java.util.List<Long> deltas) {
        TreeMap<Integer, Long> out = new TreeMap<>();
        int index = 0;
        int d = 0;
        long c = 0;
        for (Metrics.BucketSpan span : spans) {
            index += span.getOffset();
            for (int j = 0; j < span.getLength() && d < deltas.size(); j++) {
                c += deltas.get(d++);
                if (c != 0) {
                    out.put(index, c);
                }
                index++;
            }
        }
        return out;
    }

    /** Merges buckets pairwise {@code by} times: bucket i at schema s is bucket ((i-1) >> by) + 1 at s - by. */
    private static TreeMap<Integer, Long> downscale(TreeMap<Integer, Long> buckets, int by) {
        TreeMap<Integer, Long> out = new TreeMap<>();
        buckets.forEach((i, c) -> out.merge(((i - 1) >> by) + 1, c, Long::sum));
        return out;
    }

    HistogramDataPointSnapshot toDataPoint(Labels labels) {
        ClassicHistogramBuckets buckets = ClassicHistogramBuckets.EMPTY;
        if (!classic.isEmpty()) {
            double[] bounds = new double[classic.size()];
            long[] counts = new long[classic.size()];
            int i = 0;
            long previous = 0;
            for (var e : classic.entrySet()) {
                bounds[i] = e.getKey();
                counts[i] = Math.max(0, e.getValue() - previous); // cumulative -> per bucket
                previous = Math.max(previous, e.getValue());
                i++;
            }
            buckets = ClassicHistogramBuckets.of(bounds, counts);
        }
        if (hasNative) {
            long nativeCount = zeroCount + total(positive) + total(negative);
            if (buckets.isEmpty() || nativeCount == count) {
                return new HistogramDataPointSnapshot(buckets, schema, zeroCount, zeroThreshold, toBuckets(positive),
                        toBuckets(negative), sum, labels, Exemplars.EMPTY, 0L);
            }
        }
        if (buckets.isEmpty()) {
            buckets = ClassicHistogramBuckets.of(new double[] {Double.POSITIVE_INFINITY}, new long[] {count});
        }
        return new HistogramDataPointSnapshot(buckets, sum, labels, Exemplars.EMPTY, 0L);
    }

    /** Classic upper bounds and their cumulative counts, for the live windows. */
    public TreeMap<Double, Long> cumulativeBuckets() {
        return classic;
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    private static long total(TreeMap<Integer, Long> m) {
        long t = 0;
        for (long c : m.values()) {
            t += c;
        }
        return t;
    }

    private static NativeHistogramBuckets toBuckets(TreeMap<Integer, Long> m) {
        if (m.isEmpty()) {
            return NativeHistogramBuckets.EMPTY;
        }
        int[] idx = new int[m.size()];
        long[] cnt = new long[m.size()];
        int i = 0;
        for (var e : m.entrySet()) {
            idx[i] = e.getKey();
            cnt[i] = e.getValue();
            i++;
        }
        return NativeHistogramBuckets.of(idx, cnt);
    }
}
