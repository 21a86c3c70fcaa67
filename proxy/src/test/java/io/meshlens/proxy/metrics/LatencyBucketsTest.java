package io.meshlens.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The cell layout against the Prometheus bucket rules, computed here independently. */
class LatencyBucketsTest {
    /** Native bucket of a positive value at schema 2 by the definition: (2^((i-1)/4), 2^(i/4)]. */
    private static int nativeIndexByLog(double seconds) {
        return (int) Math.ceil(4 * Math.log(seconds) / Math.log(2));
    }

    private static int classicIndexByScan(double seconds) {
        double[] bounds = MeshlensMetrics.LATENCY_BUCKETS;
        for (int c = 0; c < bounds.length; c++) {
            if (seconds <= bounds[c]) {
                return c;
            }
        }
        return bounds.length; // +Inf
    }

    @Test
    void randomLatenciesLandInTheBucketsPrometheusWouldPick() {
        SplittableRandom random = new SplittableRandom(42);
        int checked = 0;
        for (int i = 0; i < 200_000; i++) {
            // log-uniform over 1 us .. 100 s
            long nanos = (long) Math.pow(10, 3 + random.nextDouble() * 8);
            double seconds = nanos / 1e9;
            double position = 4 * Math.log(seconds) / Math.log(2);
            if (Math.abs(position - Math.rint(position)) < 1e-9) {
                continue; // on a native bound: decided by the exact test below, not by a rounded log
            }
            int cell = LatencyBuckets.cell(nanos);
            assertThat(LatencyBuckets.nativeOf(cell)).as("native bucket of %d ns", nanos).isEqualTo(nativeIndexByLog(seconds));
            assertThat(LatencyBuckets.classicOf(cell)).as("classic bucket of %d ns", nanos).isEqualTo(classicIndexByScan(seconds));
            checked++;
        }
        assertThat(checked).isGreaterThan(199_000);
    }

    @Test
    void nativeUpperBoundsAreInclusive() {
        for (int i = LatencyBuckets.MIN_INDEX; i < LatencyBuckets.MAX_INDEX; i++) {
            long upper = (long) Math.floor(Math.pow(2, i / 4.0) * 1e9);
            assertThat(LatencyBuckets.nativeOf(LatencyBuckets.cell(upper))).as("%d ns", upper).isEqualTo(i);
            assertThat(LatencyBuckets.nativeOf(LatencyBuckets.cell(upper + 1))).as("%d ns", upper + 1).isEqualTo(i + 1);
        }
        assertThat(LatencyBuckets.nativeOf(LatencyBuckets.cell(1_000_000_000L))).isZero(); // 1 s = 2^0
        assertThat(LatencyBuckets.nativeOf(LatencyBuckets.cell(2_000_000_000L))).isEqualTo(4);
    }

    @Test
    void classicUpperBoundsAreInclusive() {
        double[] bounds = MeshlensMetrics.LATENCY_BUCKETS;
        for (int c = 0; c < bounds.length; c++) {
            long nanos = Math.round(bounds[c] * 1e9);
            assertThat(LatencyBuckets.classicOf(LatencyBuckets.cell(nanos))).as("%d ns", nanos).isEqualTo(c);
            assertThat(LatencyBuckets.classicOf(LatencyBuckets.cell(nanos + 1))).as("%d ns", nanos + 1).isEqualTo(c + 1);
        }
    }

    @Test
    void zeroBucketAndBothEnds() {
        assertThat(LatencyBuckets.ZERO_THRESHOLD).isEqualTo(Math.pow(2, -20));
        assertThat(LatencyBuckets.cell(0)).isZero();
        assertThat(LatencyBuckets.cell(-5)).isZero();
        assertThat(LatencyBuckets.cell(953)).isZero();                      // 953 ns <= 2^-20 s (953.67 ns)
        assertThat(LatencyBuckets.nativeOf(0)).isEqualTo(Integer.MIN_VALUE);
        assertThat(LatencyBuckets.nativeOf(LatencyBuckets.cell(954))).isEqualTo(LatencyBuckets.MIN_INDEX);
        int last = LatencyBuckets.cell(Long.MAX_VALUE);                      // 292 years: counted in the last bucket
        assertThat(LatencyBuckets.nativeOf(last)).isEqualTo(LatencyBuckets.MAX_INDEX);
        assertThat(LatencyBuckets.classicOf(last)).isEqualTo(LatencyBuckets.CLASSIC_BUCKETS - 1);
        assertThat(LatencyBuckets.NATIVE_BUCKETS).isEqualTo(160);
        // 100 s fits well inside the native range
        assertThat(LatencyBuckets.nativeOf(LatencyBuckets.cell(100_000_000_000L))).isEqualTo(27).isLessThan(LatencyBuckets.MAX_INDEX);
    }

    @Test
    void cellsAreOrderedAndEachClassicBoundSplitsAtMostOneNativeBucket() {
        int splits = 0;
        for (int c = 2; c < LatencyBuckets.CELLS; c++) {
            assertThat(LatencyBuckets.nativeOf(c)).isGreaterThanOrEqualTo(LatencyBuckets.nativeOf(c - 1));
            assertThat(LatencyBuckets.classicOf(c)).isGreaterThanOrEqualTo(LatencyBuckets.classicOf(c - 1));
            if (LatencyBuckets.nativeOf(c) == LatencyBuckets.nativeOf(c - 1)) {
                splits++;
                assertThat(LatencyBuckets.classicOf(c)).isEqualTo(LatencyBuckets.classicOf(c - 1) + 1);
            }
        }
        // 14 finite bounds; 0.25, 0.5 and 1 s are native bounds themselves (2^-2, 2^-1, 2^0): no split
        assertThat(splits).isEqualTo(11);
        assertThat(LatencyBuckets.CELLS).isEqualTo(1 + 160 + 11);
    }
}
