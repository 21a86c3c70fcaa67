package io.meshlens.exporter.scrape;

import java.util.Arrays;

import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Labels;

/**
 * One protobuf {@code Histogram} as read from a page, in reusable arrays (the reader fills the
 * same instance for every histogram of a page). What the exporter does not use (float counts,
 * created timestamps) is skipped. Exemplars (the trace id of a request a bucket counted) are
 * kept, to be carried through enrichment to {@code /metrics}.
 */
public final class HistogramValues {
    long sampleCount;
    double sampleSum;
    boolean hasSchema;
    int schema;
    double zeroThreshold;
    long zeroCount;
    /** Classic buckets as listed: upper bound and cumulative count. */
    double[] bounds = new double[16];
    long[] cumulative = new long[16];
    int buckets;
    final Native positive = new Native();
    final Native negative = new Native();
    private final java.util.List<Exemplar> exemplars = new java.util.ArrayList<>();

    // The classic buckets normalised by cumulative(): sorted by bound, +Inf last.
    private double[] sortedBounds = new double[16];
    private long[] sortedCumulative = new long[16];
    private int sorted = -1;

    void reset() {
        sampleCount = 0;
        sampleSum = 0;
        hasSchema = false;
        schema = 0;
        zeroThreshold = 0;
        zeroCount = 0;
        buckets = 0;
        positive.reset();
        negative.reset();
        exemplars.clear();
        sorted = -1;
    }

    void addExemplar(java.util.List<String> labelNamesAndValues, double value, long timestampMillis) {
        String[] names = new String[labelNamesAndValues.size() / 2];
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = labelNamesAndValues.get(2 * i);
            values[i] = labelNamesAndValues.get(2 * i + 1);
        }
        Labels labels;
        try {
            labels = Labels.of(names, values);
        } catch (IllegalArgumentException e) {
            // An exemplar whose label names client_java refuses (empty, duplicated) cannot be
            // written again; the page is well-formed protobuf, so it is read and this one dropped.
            return;
        }
        Exemplar.Builder b = Exemplar.builder().value(value).labels(labels);
        if (timestampMillis != 0) {
            b.timestampMillis(timestampMillis);
        }
        exemplars.add(b.build());
    }

    /** The exemplars of this histogram's buckets and native part, as read; empty for most. */
    public java.util.List<Exemplar> exemplars() {
        return exemplars;
    }

    void addBucket(double upperBound, long cumulativeCount) {
        if (buckets == bounds.length) {
            bounds = Arrays.copyOf(bounds, buckets * 2);
            cumulative = Arrays.copyOf(cumulative, buckets * 2);
        }
        bounds[buckets] = upperBound;
        cumulative[buckets] = cumulativeCount;
        buckets++;
    }

    public long sampleCount() {
        return sampleCount;
    }

    public double sampleSum() {
        return sampleSum;
    }

    /** Whether the {@code schema} field was present (a native histogram, possibly empty). */
    public boolean hasSchema() {
        return hasSchema;
    }

    public int schema() {
        return schema;
    }

    public double zeroThreshold() {
        return zeroThreshold;
    }

    public long zeroCount() {
        return zeroCount;
    }

    public Native positive() {
        return positive;
    }

    public Native negative() {
        return negative;
    }

    /**
     * The classic buckets as a cumulative distribution: ordered by upper bound (a bound listed
     * twice keeps its last count), and {@code +Inf} holding the sample count whenever there is
     * any bucket. Returns how many there are; read them with {@link #sortedBound} and
     * {@link #sortedCumulative}. Computed once per histogram.
     */
    public int classicBuckets() {
        if (sorted >= 0) {
            return sorted;
        }
        if (buckets == 0) {
            return sorted = 0;
        }
        if (sortedBounds.length < buckets + 1) {
            sortedBounds = new double[buckets * 2 + 1];
            sortedCumulative = new long[buckets * 2 + 1];
        }
        int n = 0;
        for (int i = 0; i < buckets; i++) {
            double le = bounds[i];
            long c = cumulative[i];
            int j = n;
            while (j > 0 && Double.compare(sortedBounds[j - 1], le) > 0) {
                j--; // proxies list bounds in order: this loop almost never runs
            }
            if (j > 0 && Double.compare(sortedBounds[j - 1], le) == 0) {
                sortedCumulative[j - 1] = c;
                continue;
            }
            System.arraycopy(sortedBounds, j, sortedBounds, j + 1, n - j);
            System.arraycopy(sortedCumulative, j, sortedCumulative, j + 1, n - j);
            sortedBounds[j] = le;
            sortedCumulative[j] = c;
            n++;
        }
        if (Double.compare(sortedBounds[n - 1], Double.POSITIVE_INFINITY) == 0) {
            sortedCumulative[n - 1] = sampleCount;
        } else {
            sortedBounds[n] = Double.POSITIVE_INFINITY;
            sortedCumulative[n] = sampleCount;
            n++;
        }
        return sorted = n;
    }

    public double sortedBound(int i) {
        return sortedBounds[i];
    }

    public long sortedCumulative(int i) {
        return sortedCumulative[i];
    }

    /** Native buckets of one sign: spans and delta-encoded counts, as on the wire. */
    public static final class Native {
        int[] spanOffsets = new int[4];
        int[] spanLengths = new int[4];
        int spans;
        long[] deltas = new long[16];
        int deltaCount;

        void reset() {
            spans = 0;
            deltaCount = 0;
        }

        void addSpan(int offset, int length) {
            if (spans == spanOffsets.length) {
                spanOffsets = Arrays.copyOf(spanOffsets, spans * 2);
                spanLengths = Arrays.copyOf(spanLengths, spans * 2);
            }
            spanOffsets[spans] = offset;
            spanLengths[spans] = length;
            spans++;
        }

        void addDelta(long delta) {
            if (deltaCount == deltas.length) {
                deltas = Arrays.copyOf(deltas, deltaCount * 2);
            }
            deltas[deltaCount++] = delta;
        }

        public int spans() {
            return spans;
        }

        public int spanOffset(int i) {
            return spanOffsets[i];
        }

        public int spanLength(int i) {
            return spanLengths[i];
        }

        public int deltas() {
            return deltaCount;
        }

        public long delta(int i) {
            return deltas[i];
        }
    }
}
