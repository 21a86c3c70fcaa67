package io.meshlens.proxy.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;

/**
 * One latency histogram data point (one edge and classification), classic and native buckets
 * as laid out by {@link LatencyBuckets}. {@link #observe} allocates nothing after the first
 * observation of a thread's stripe: one atomic increment of a cell and one atomic add to the sum.
 *
 * <p>Threading: any thread may record (several event loops can serve the same edge). Counts live
 * in stripes, each a {@code long[]} updated atomically; a thread uses the stripe of its id, so the
 * event loops (a handful of threads made one after the other) mostly get a stripe each and do not
 * bounce one cache line between cores. A stripe is allocated the first time a thread lands on it,
 * so an edge that one event loop serves holds one stripe, and a classification never seen (most
 * edges' failures) holds none.
 *
 * <p>Consistency: a scrape adds the cells of all stripes once and derives classic buckets, native
 * buckets and {@code _count} from that one read, so they always agree with each other. Only
 * {@code _sum} can miss an observation that is being recorded while the scrape runs.
 */
final class LatencyHistogram {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle STRIPES = MethodHandles.arrayElementVarHandle(long[][].class);
    /** Longs (64 bytes) before and after the counters so that two stripes never share a cache line. */
    private static final int PAD = 8;
    private static final int SUM = PAD + LatencyBuckets.CELLS;
    private static final int STRIPE_LENGTH = SUM + 1 + PAD;
    private static final int STRIPE_MASK = stripeCount() - 1;
    /** The exemplar label: the W3C / B3 trace id of the observed request. */
    static final String TRACE_ID = "trace_id";

    private final Labels labels;
    private final long createdMillis = System.currentTimeMillis();
    private final long[][] stripes = new long[STRIPE_MASK + 1][];
    /** The latest traced observation per classic bucket; made when the first trace id arrives. */
    private volatile AtomicReferenceArray<Exemplar> exemplars;

    LatencyHistogram(Labels labels) {
        this.labels = labels;
    }

    /** A power of two >= the processors, at most 16: more stripes than cores buys nothing. */
    private static int stripeCount() {
        int cpus = Math.min(16, Math.max(1, Runtime.getRuntime().availableProcessors()));
        return Integer.highestOneBit(cpus * 2 - 1);
    }

    Labels labels() {
        return labels;
    }

    /** Records one latency in nanoseconds (a negative one, a clock step, counts as 0). */
    void observe(long nanos) {
        long[] stripe = stripe();
        LONGS.getAndAdd(stripe, PAD + LatencyBuckets.cell(nanos), 1L);
        double seconds = Math.max(0, nanos) / 1e9;
        long current = (long) LONGS.getVolatile(stripe, SUM);
        while (!LONGS.weakCompareAndSet(stripe, SUM, current,
                Double.doubleToRawLongBits(Double.longBitsToDouble(current) + seconds))) {
            current = (long) LONGS.getVolatile(stripe, SUM);
        }
    }

    /**
     * Records one latency and, when the request carried a trace id, keeps it as the exemplar of
     * the latency's classic bucket (the newest wins). Without a trace id this is {@link #observe(long)}:
     * nothing is allocated; with one, the exemplar is.
     */
    void observe(long nanos, String traceId) {
        observe(nanos);
        if (traceId != null) {
            AtomicReferenceArray<Exemplar> e = exemplars;
            if (e == null) {
                synchronized (this) {
                    e = exemplars;
                    if (e == null) {
                        exemplars = e = new AtomicReferenceArray<>(LatencyBuckets.CLASSIC_BUCKETS);
                    }
                }
            }
            e.set(LatencyBuckets.classicOf(LatencyBuckets.cell(nanos)), Exemplar.builder()
                    .value(Math.max(0, nanos) / 1e9).labels(Labels.of(TRACE_ID, traceId))
                    .timestampMillis(System.currentTimeMillis()).build());
        }
    }

    private Exemplars exemplars() {
        AtomicReferenceArray<Exemplar> e = exemplars;
        if (e == null) {
            return Exemplars.EMPTY;
        }
        java.util.List<Exemplar> list = new java.util.ArrayList<>(4);
        for (int i = 0; i < e.length(); i++) {
            Exemplar x = e.get(i);
            if (x != null) {
                list.add(x);
            }
        }
        return Exemplars.of(list);
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+; getId() is the same number
    private long[] stripe() {
        int i = (int) Thread.currentThread().getId() & STRIPE_MASK;
        long[] stripe = (long[]) STRIPES.getAcquire(stripes, i);
        if (stripe == null) {
            STRIPES.compareAndSet(stripes, i, null, new long[STRIPE_LENGTH]);
            stripe = (long[]) STRIPES.getAcquire(stripes, i);
        }
        return stripe;
    }

    /** Reads every stripe once and derives the whole data point from that read. */
    HistogramDataPointSnapshot snapshot() {
        long[] cells = new long[LatencyBuckets.CELLS];
        double sum = 0;
        for (int s = 0; s < stripes.length; s++) {
            long[] stripe = (long[]) STRIPES.getAcquire(stripes, s);
            if (stripe == null) {
                continue;
            }
            for (int c = 0; c < cells.length; c++) {
                cells[c] += (long) LONGS.getVolatile(stripe, PAD + c);
            }
            sum += Double.longBitsToDouble((long) LONGS.getVolatile(stripe, SUM));
        }
        long[] classic = new long[LatencyBuckets.CLASSIC_BUCKETS];
        int[] nativeIndexes = new int[LatencyBuckets.NATIVE_BUCKETS];
        long[] nativeCounts = new long[LatencyBuckets.NATIVE_BUCKETS];
        int nativeUsed = 0;
        for (int c = 0; c < cells.length; c++) {
            long n = cells[c];
            if (n == 0) {
                continue;
            }
            classic[LatencyBuckets.classicOf(c)] += n;
            int index = LatencyBuckets.nativeOf(c);
            if (index == Integer.MIN_VALUE) {
                continue; // zero bucket, cells[0]
            }
            if (nativeUsed > 0 && nativeIndexes[nativeUsed - 1] == index) {
                nativeCounts[nativeUsed - 1] += n; // second half of a split native bucket
            } else {
                nativeIndexes[nativeUsed] = index;
                nativeCounts[nativeUsed++] = n;
            }
        }
        NativeHistogramBuckets positive = nativeUsed == 0 ? NativeHistogramBuckets.EMPTY
                : NativeHistogramBuckets.of(Arrays.copyOf(nativeIndexes, nativeUsed), Arrays.copyOf(nativeCounts, nativeUsed));
        return new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(LatencyBuckets.CLASSIC_BOUNDS, classic),
                LatencyBuckets.SCHEMA, cells[0], LatencyBuckets.ZERO_THRESHOLD, positive,
                NativeHistogramBuckets.EMPTY, sum, labels, exemplars(), createdMillis);
    }
}
