package io.meshlens.exporter.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WindowStatsTest {
    private static final double[] BOUNDS = {0.01, 0.1, 1, Double.POSITIVE_INFINITY};

    private static Counts counts(long success, long failure, long... cumulative) {
        Counts c = new Counts(cumulative.length);
        c.success = success;
        c.failure = failure;
        c.buckets = cumulative;
        return c;
    }

    @Test
    void quantilesInterpolateWithinBucketsLikeHistogramQuantile() {
        WindowStats s = new WindowStats(BOUNDS, 10);
        s.add(counts(90, 10, 50, 90, 100, 100));
        assertThat(s.rps()).isEqualTo(10.0);
        assertThat(s.successRate()).isEqualTo(0.9);
        assertThat(s.quantile(0.5)).isCloseTo(0.01, within(1e-12));          // rank 50 ends bucket 1
        assertThat(s.quantile(0.7)).isCloseTo(0.01 + 0.09 * 0.5, within(1e-12)); // halfway into (0.01, 0.1]
        assertThat(s.quantile(0.99)).isCloseTo(0.1 + 0.9 * 0.9, within(1e-12));
    }

    @Test
    void theInfBucketAnswersWithTheHighestFiniteBound() {
        WindowStats s = new WindowStats(BOUNDS, 1);
        s.add(counts(10, 0, 0, 0, 0, 10));
        assertThat(s.quantile(0.5)).isEqualTo(1.0);
    }

    @Test
    void noTrafficIsNullNotZero() {
        WindowStats s = new WindowStats(BOUNDS, 60);
        assertThat(s.successRate()).isNull();
        assertThat(s.quantile(0.99)).isNull();
        assertThat(s.rps()).isZero();
    }

    @Test
    void aCounterResetCountsFromZeroNeverNegative() {
        Counts before = counts(100, 5, 50, 100, 105, 105);
        Counts afterRestart = counts(3, 1, 2, 4, 4, 4);
        Counts d = Counts.delta(afterRestart, before);
        assertThat(d.success()).isEqualTo(3);
        assertThat(d.failure()).isEqualTo(1);
        Counts normal = Counts.delta(counts(110, 6, 55, 110, 116, 116), before);
        assertThat(normal.total()).isEqualTo(11);
        assertThat(normal.bucket(3)).isEqualTo(11);
    }
}
