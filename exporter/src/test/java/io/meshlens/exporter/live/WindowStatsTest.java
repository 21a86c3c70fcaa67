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
        Counts d = Counts.delta(afterRestart, before, 10);
        assertThat(d.success()).isEqualTo(3);
        assertThat(d.failure()).isEqualTo(1);
        Counts normal = Counts.delta(counts(110, 6, 55, 110, 116, 116), before, 10);
        assertThat(normal.total()).isEqualTo(11);
        assertThat(normal.bucket(3)).isEqualTo(11);
    }

    @Test
    void windowsOfOtherExportersAddUpToExactCountsAndRates() {
        TrafficKey a = key("web-a");
        TrafficKey b = key("web-b");
        LiveWindow.Delta mine = new LiveWindow.Delta(10, BOUNDS, java.util.Map.of(a, Counts.ofWindow(90, 10, new long[] {50, 90, 100, 100}, 10)),
                java.util.Map.of("t/web-a", new double[] {2, 100, 50}));
        LiveWindow.Delta theirs = new LiveWindow.Delta(12.5, BOUNDS, java.util.Map.of(b, Counts.ofWindow(25, 0, new long[] {25, 25, 25, 25}, 12.5)),
                java.util.Map.of("t/web-b", new double[] {1, 10, 5}));
        LiveWindow.Delta sum = mine.plus(theirs);
        WindowStats s = new WindowStats(sum.bounds(), sum.seconds());
        sum.traffic().values().forEach(s::add);
        assertThat(s.total()).isEqualTo(125);
        assertThat(s.rps()).isEqualTo(100 / 10.0 + 25 / 12.5);
        assertThat(s.successRate()).isEqualTo(115 / 125.0);
        assertThat(sum.tcp("t", "web-b")).containsExactly(1, 10, 5);
        assertThat(sum.seconds()).isEqualTo(10);
    }

    @Test
    void bucketsOnOtherBoundsAreAlignedToTheWiderSet() {
        double[] coarse = {0.1, Double.POSITIVE_INFINITY};
        LiveWindow.Delta fine = new LiveWindow.Delta(10, BOUNDS, java.util.Map.of(key("web-a"), Counts.ofWindow(4, 0, new long[] {1, 2, 3, 4}, 10)), java.util.Map.of());
        LiveWindow.Delta other = new LiveWindow.Delta(10, coarse, java.util.Map.of(key("web-a"), Counts.ofWindow(2, 0, new long[] {1, 2}, 10)), java.util.Map.of());
        Counts c = fine.plus(other).traffic().get(key("web-a"));
        // the coarse 0.1 bucket lands on 0.1 and 1 (its highest bound not above each), +Inf on +Inf
        assertThat(new long[] {c.bucket(0), c.bucket(1), c.bucket(2), c.bucket(3)}).containsExactly(1, 3, 4, 6);
        assertThat(c.total()).isEqualTo(6);
    }

    private static TrafficKey key(String pod) {
        var web = new io.meshlens.exporter.discovery.WorkloadRef("deployment", "t", "web");
        return new TrafficKey("inbound", web, pod, new io.meshlens.exporter.discovery.WorkloadRef("deployment", "t", "bot"), web,
                "web", "default");
    }
}
