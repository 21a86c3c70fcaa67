package io.meshlens.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.NativeHistogramBucket;

class LatencyHistogramTest {
    private static long classicTotal(HistogramDataPointSnapshot p) {
        long n = 0;
        for (int i = 0; i < p.getClassicBuckets().size(); i++) {
            n += p.getClassicBuckets().getCount(i);
        }
        return n;
    }

    private static long nativeTotal(HistogramDataPointSnapshot p) {
        long n = p.getNativeZeroCount();
        for (NativeHistogramBucket b : p.getNativeBucketsForPositiveValues()) {
            n += b.getCount();
        }
        return n;
    }

    @Test
    void knownObservations() {
        LatencyHistogram h = new LatencyHistogram(Labels.of("classification", "success"));
        long[] nanos = {0, -5, 300_000, 500_000, 500_001, 1_000_000, 1_000_000_000L, 20_000_000_000L};
        for (long n : nanos) {
            h.observe(n);
        }
        HistogramDataPointSnapshot p = h.snapshot();
        assertThat(p.getCount()).isEqualTo(8);
        assertThat(p.getSum()).isCloseTo(21.002300001, org.assertj.core.data.Offset.offset(1e-12));
        // per-bucket (not cumulative) classic counts, in MeshlensMetrics.LATENCY_BUCKETS order, +Inf last
        long[] expected = {4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1};
        assertThat(p.getClassicBuckets().size()).isEqualTo(15);
        for (int i = 0; i < expected.length; i++) {
            assertThat(p.getClassicBuckets().getCount(i)).as("bucket le=%s", p.getClassicBuckets().getUpperBound(i))
                    .isEqualTo(expected[i]);
        }
        assertThat(p.getClassicBuckets().getUpperBound(14)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(p.getNativeSchema()).isEqualTo(2);
        assertThat(p.getNativeZeroThreshold()).isEqualTo(Math.pow(2, -20));
        assertThat(p.getNativeZeroCount()).isEqualTo(2);
        List<String> buckets = new ArrayList<>();
        p.getNativeBucketsForPositiveValues().forEach(b -> buckets.add(b.getBucketIndex() + ":" + b.getCount()));
        // ceil(4 * log2(seconds)): 3e-4 -> -46, 5e-4 and 5.00001e-4 -> -43, 1e-3 -> -39, 1 -> 0, 20 -> 18
        assertThat(buckets).containsExactly("-46:1", "-43:2", "-39:1", "0:1", "18:1");
        assertThat(p.getNativeBucketsForNegativeValues().size()).isZero();
    }

    @Test
    void emptyHistogramHasZeroCounts() {
        HistogramDataPointSnapshot p = new LatencyHistogram(Labels.EMPTY).snapshot();
        assertThat(p.getCount()).isZero();
        assertThat(p.getSum()).isZero();
        assertThat(classicTotal(p)).isZero();
        assertThat(p.getNativeBucketsForPositiveValues().size()).isZero();
    }

    /** Several threads on one histogram (several event loops on one edge): nothing is lost. */
    @Test
    void concurrentRecordingSumsExactly() throws Exception {
        LatencyHistogram h = new LatencyHistogram(Labels.EMPTY);
        int threads = 8;
        int perThread = 200_000;
        // 0.25 s, 0.5 s, 1 s, 2 s: exact in binary, so the sum is exact whatever the order
        long[] values = {250_000_000L, 500_000_000L, 1_000_000_000L, 2_000_000_000L};
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        h.observe(values[i & 3]);
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertThat(failed.get()).isNull();
        HistogramDataPointSnapshot p = h.snapshot();
        long total = (long) threads * perThread;
        assertThat(p.getCount()).isEqualTo(total);
        assertThat(p.getSum()).isEqualTo(total / 4 * 3.75);
        // classic: 0.25 -> le 0.25 (8), 0.5 -> le 0.5 (9), 1 -> le 1 (10), 2 -> le 2.5 (11)
        for (int i : new int[] {8, 9, 10, 11}) {
            assertThat(p.getClassicBuckets().getCount(i)).isEqualTo(total / 4);
        }
        List<String> buckets = new ArrayList<>();
        p.getNativeBucketsForPositiveValues().forEach(b -> buckets.add(b.getBucketIndex() + ":" + b.getCount()));
        assertThat(buckets).containsExactly("-8:" + total / 4, "-4:" + total / 4, "0:" + total / 4, "4:" + total / 4);
    }

    /** A scrape while threads record: _count, the classic buckets and the native buckets always agree. */
    @Test
    void scrapesDuringRecordingAreConsistent() throws Exception {
        LatencyHistogram h = new LatencyHistogram(Labels.EMPTY);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            Thread w = new Thread(() -> {
                long n = seed;
                while (!stop.get()) {
                    n = (n * 6364136223846793005L + 1442695040888963407L);
                    h.observe((n >>> 40) * 50); // 0 .. ~0.8 s
                }
            });
            w.start();
            workers.add(w);
        }
        try {
            long previous = 0;
            for (int i = 0; i < 2_000; i++) {
                HistogramDataPointSnapshot p = h.snapshot();
                assertThat(classicTotal(p)).isEqualTo(p.getCount());
                assertThat(nativeTotal(p)).isEqualTo(p.getCount());
                assertThat(p.getCount()).isGreaterThanOrEqualTo(previous);
                previous = p.getCount();
            }
            assertThat(previous).isPositive();
        } finally {
            stop.set(true);
            for (Thread w : workers) {
                w.join();
            }
        }
    }
}
