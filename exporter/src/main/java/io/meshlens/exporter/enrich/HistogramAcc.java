package io.meshlens.exporter.enrich;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import io.meshlens.exporter.scrape.HistogramValues;
import io.meshlens.exporter.scrape.PageReader;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;

/**
 * Sums histograms that became one series after enrichment: classic buckets (cumulative counts
 * per upper bound) and native buckets (absolute counts per index, brought to the lowest schema
 * of the inputs, as Prometheus does when it adds native histograms).
 *
 * <p>Kept in sorted primitive arrays that live as long as the output series and are
 * {@link #reset} each cycle: in the steady state every input has the bounds of the sum so far,
 * and adding is an element-wise loop without allocation.
 */
public final class HistogramAcc {
    private static final double[] NO_BOUNDS = {};
    private static final long[] NO_COUNTS = {};
    private static final int[] NO_INDEXES = {};
    /** Per-bucket counts on their way into a snapshot (which copies them). */
    private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> NO_COUNTS);

    /** Classic: upper bounds (ascending, +Inf last) and cumulative counts; {@code classicSize} used. */
    private double[] bounds = NO_BOUNDS;
    private long[] cumulative = NO_COUNTS;
    private int classicSize;
    private long count;
    private double sum;
    private boolean hasNative;
    private int schema;
    private double zeroThreshold;
    private long zeroCount;
    private final Buckets positive = new Buckets();
    private final Buckets negative = new Buckets();
    /** The newest exemplar per classic bucket of the summed series (null until one arrives). */
    private List<Exemplar> exemplars;

    /** Empties the sum for the next cycle, keeping the arrays. */
    void reset() {
        classicSize = 0;
        count = 0;
        sum = 0;
        hasNative = false;
        schema = 0;
        zeroThreshold = 0;
        zeroCount = 0;
        positive.size = 0;
        negative.size = 0;
        if (exemplars != null) {
            exemplars.clear();
        }
    }

    void add(HistogramValues h) {
        long sampleCount = h.sampleCount();
        int incoming = h.classicBuckets();
        mergeClassic(h, incoming);
        count += sampleCount;
        sum += h.sampleSum();
        if (h.hasSchema() && (h.positive().spans() > 0 || h.negative().spans() > 0 || h.zeroCount() > 0 || incoming == 0)) {
            addNative(h);
        } else if (hasNative && sampleCount > 0) {
            hasNative = false; // a classic-only input: a native sum would no longer add up
        }
        for (Exemplar e : h.exemplars()) {
            addExemplar(e);
        }
    }

    /** Keeps the newest exemplar of each classic bucket (several pods add to one series). */
    private void addExemplar(Exemplar e) {
        if (exemplars == null) {
            exemplars = new ArrayList<>(4);
        }
        int bucket = bucketOf(e.getValue());
        for (int i = 0; i < exemplars.size(); i++) {
            Exemplar old = exemplars.get(i);
            if (bucketOf(old.getValue()) == bucket) {
                if (!old.hasTimestamp() || e.hasTimestamp() && e.getTimestampMillis() >= old.getTimestampMillis()) {
                    exemplars.set(i, e);
                }
                return;
            }
        }
        exemplars.add(e);
    }

    private int bucketOf(double value) {
        for (int i = 0; i < classicSize; i++) {
            if (value <= bounds[i]) {
                return i;
            }
        }
        return classicSize;
    }

    private Exemplars exemplars() {
        return exemplars == null || exemplars.isEmpty() ? Exemplars.EMPTY : Exemplars.of(new ArrayList<>(exemplars));
    }

    /**
     * Adds a histogram held as client_java's generated message (for callers that have one, such
     * as tests); it is read through the same {@link PageReader} path as a scraped page.
     */
    void add(Metrics.Histogram h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Metrics.MetricFamily.newBuilder().setName("h").setType(Metrics.MetricType.HISTOGRAM)
                    .addMetric(Metrics.Metric.newBuilder().setHistogram(h)).build().writeDelimitedTo(out);
            PageReader r = new PageReader(out.toByteArray());
            r.nextFamily();
            r.nextMetric();
            add(r.values().histogram());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cumulative counts at the union of bounds (a series without a bound counts what it had below it). */
    private void mergeClassic(HistogramValues h, int n) {
        if (n == 0) {
            return;
        }
        if (classicSize == 0) {
            ensureClassic(n);
            for (int i = 0; i < n; i++) {
                bounds[i] = h.sortedBound(i);
                cumulative[i] = h.sortedCumulative(i);
            }
            classicSize = n;
            return;
        }
        if (sameBounds(h, n)) {
            for (int i = 0; i < n; i++) {
                cumulative[i] += h.sortedCumulative(i);
            }
            return;
        }
        double[] mb = new double[classicSize + n];
        long[] mc = new long[classicSize + n];
        int a = 0;
        int b = 0;
        int m = 0;
        long lastA = 0; // the floor value of each side at the bound being written
        long lastB = 0;
        while (a < classicSize || b < n) {
            int c = a == classicSize ? 1 : b == n ? -1 : Double.compare(bounds[a], h.sortedBound(b));
            double le;
            if (c <= 0) {
                le = bounds[a];
                lastA = cumulative[a++];
            } else {
                le = h.sortedBound(b);
            }
            if (c >= 0) {
                lastB = h.sortedCumulative(b++);
            }
            mb[m] = le;
            mc[m] = lastA + lastB;
            m++;
        }
        bounds = mb;
        cumulative = mc;
        classicSize = m;
    }

    private boolean sameBounds(HistogramValues h, int n) {
        if (n != classicSize) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (Double.compare(bounds[i], h.sortedBound(i)) != 0) {
                return false;
            }
        }
        return true;
    }

    private void ensureClassic(int n) {
        if (bounds.length < n) {
            bounds = new double[n];
            cumulative = new long[n];
        }
    }

    private void addNative(HistogramValues h) {
        int s = h.schema();
        if (!hasNative) {
            hasNative = true;
            schema = s;
            zeroThreshold = h.zeroThreshold();
            zeroCount = h.zeroCount();
            positive.expandFrom(h.positive());
            negative.expandFrom(h.negative());
            return;
        }
        Buckets pos = Buckets.expanded(h.positive());
        Buckets neg = Buckets.expanded(h.negative());
        if (s < schema) {
            positive.downscale(schema - s);
            negative.downscale(schema - s);
            schema = s;
        } else if (s > schema) {
            pos.downscale(s - schema);
            neg.downscale(s - schema);
        }
        zeroThreshold = Math.max(zeroThreshold, h.zeroThreshold());
        zeroCount += h.zeroCount();
        positive.addAll(pos);
        negative.addAll(neg);
    }

    HistogramDataPointSnapshot toDataPoint(Labels labels) {
        ClassicHistogramBuckets buckets = ClassicHistogramBuckets.EMPTY;
        if (classicSize > 0) {
            // ClassicHistogramBuckets.of copies both arrays: ours are handed over as they are.
            long[] counts = SCRATCH.get();
            if (counts.length != classicSize) {
                counts = new long[classicSize];
                SCRATCH.set(counts);
            }
            long previous = 0;
            for (int i = 0; i < classicSize; i++) {
                counts[i] = Math.max(0, cumulative[i] - previous); // cumulative -> per bucket
                previous = Math.max(previous, cumulative[i]);
            }
            buckets = ClassicHistogramBuckets.of(bounds.length == classicSize ? bounds : Arrays.copyOf(bounds, classicSize), counts);
        }
        if (hasNative) {
            long nativeCount = zeroCount + positive.total() + negative.total();
            if (buckets.isEmpty() || nativeCount == count) {
                return new HistogramDataPointSnapshot(buckets, schema, zeroCount, zeroThreshold, positive.toSnapshot(),
                        negative.toSnapshot(), sum, labels, exemplars(), 0L);
            }
        }
        if (buckets.isEmpty()) {
            buckets = ClassicHistogramBuckets.of(new double[] {Double.POSITIVE_INFINITY}, new long[] {count});
        }
        return new HistogramDataPointSnapshot(buckets, sum, labels, exemplars(), 0L);
    }

    /** Classic upper bounds and their cumulative counts (a copy). */
    public TreeMap<Double, Long> cumulativeBuckets() {
        TreeMap<Double, Long> m = new TreeMap<>();
        for (int i = 0; i < classicSize; i++) {
            m.put(bounds[i], cumulative[i]);
        }
        return m;
    }

    /** Classic buckets, for the live windows: {@link #classicBound} and {@link #classicCumulative} up to this. */
    public int classicSize() {
        return classicSize;
    }

    public double classicBound(int i) {
        return bounds[i];
    }

    public long classicCumulative(int i) {
        return cumulative[i];
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    /** Native buckets of one sign: ascending indexes and their absolute counts. */
    private static final class Buckets {
        int[] index = NO_INDEXES;
        long[] counts = NO_COUNTS;
        int size;

        static Buckets expanded(HistogramValues.Native n) {
            Buckets b = new Buckets();
            b.expandFrom(n);
            return b;
        }

        /** Spans + delta-encoded counts (the protobuf layout) to absolute counts; empty buckets are left out. */
        void expandFrom(HistogramValues.Native n) {
            size = 0;
            int idx = 0;
            int d = 0;
            long c = 0;
            boolean ascending = true;
            for (int s = 0; s < n.spans(); s++) {
                idx += n.spanOffset(s);
                for (int j = 0; j < n.spanLength(s) && d < n.deltas(); j++) {
                    c += n.delta(d++);
                    if (c != 0) {
                        ascending &= size == 0 || index[size - 1] < idx;
                        append(idx, c);
                    }
                    idx++;
                }
            }
            if (!ascending) {
                normalise();
            }
        }

        /** Spans that go backwards (never from a sane proxy): ordered, and a repeated index keeps its last count. */
        private void normalise() {
            TreeMap<Integer, Long> m = new TreeMap<>();
            for (int i = 0; i < size; i++) {
                m.put(index[i], counts[i]);
            }
            size = 0;
            m.forEach(this::append);
        }

        private void append(int i, long c) {
            if (size == index.length) {
                index = Arrays.copyOf(index, Math.max(8, size * 2));
                counts = Arrays.copyOf(counts, index.length);
            }
            index[size] = i;
            counts[size] = c;
            size++;
        }

        /** Merges buckets pairwise {@code by} times: bucket i at schema s is bucket ((i-1) >> by) + 1 at s - by. */
        void downscale(int by) {
            int w = 0;
            for (int r = 0; r < size; r++) {
                int i = ((index[r] - 1) >> by) + 1;
                if (w > 0 && index[w - 1] == i) {
                    counts[w - 1] += counts[r];
                } else {
                    index[w] = i;
                    counts[w] = counts[r];
                    w++;
                }
            }
            size = w;
        }

        void addAll(Buckets other) {
            if (other.size == 0) {
                return;
            }
            if (size == other.size && Arrays.equals(index, 0, size, other.index, 0, size)) {
                for (int i = 0; i < size; i++) {
                    counts[i] += other.counts[i];
                }
                return;
            }
            int[] mi = new int[size + other.size];
            long[] mc = new long[size + other.size];
            int a = 0;
            int b = 0;
            int m = 0;
            while (a < size || b < other.size) {
                if (b == other.size || (a < size && index[a] < other.index[b])) {
                    mi[m] = index[a];
                    mc[m++] = counts[a++];
                } else if (a == size || other.index[b] < index[a]) {
                    mi[m] = other.index[b];
                    mc[m++] = other.counts[b++];
                } else {
                    mi[m] = index[a];
                    mc[m++] = counts[a++] + other.counts[b++];
                }
            }
            index = mi;
            counts = mc;
            size = m;
        }

        long total() {
            long t = 0;
            for (int i = 0; i < size; i++) {
                t += counts[i];
            }
            return t;
        }

        NativeHistogramBuckets toSnapshot() {
            if (size == 0) {
                return NativeHistogramBuckets.EMPTY;
            }
            // NativeHistogramBuckets.of copies both arrays.
            return size == index.length ? NativeHistogramBuckets.of(index, counts)
                    : NativeHistogramBuckets.of(Arrays.copyOf(index, size), Arrays.copyOf(counts, size));
        }
    }
}
