package io.meshlens.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultsTest {
    private static final long MS = 1_000_000;

    @Test
    void latencyCountsFromTheIntendedSendTimeAndSkipsWarmUp() {
        Results r = new Results(null);
        r.startPhase("run", 100 * MS);
        r.completed(50 * MS, 51 * MS, true);        // warm-up: not recorded
        for (int i = 0; i < 99; i++) {
            r.completed(200 * MS, 201 * MS, true);  // 1 ms
        }
        r.completed(300 * MS, 340 * MS, true);      // 40 ms: sent late, charged from its intended time
        Results.Summary s = r.summaries(100 * MS + 1_000 * MS, 0).get(0).summary();
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50()).isBetween(999_000L, 1_001_000L);
        assertThat(s.max()).isBetween(39_900_000L, 40_100_000L);
        assertThat(s.ok()).isEqualTo(100);
        assertThat(s.errors()).isZero();
        assertThat(s.achievedRate()).isEqualTo(100.0);
    }

    @Test
    void errorsCountFailedAnswersFailuresAndUnfinishedRequests() {
        Results r = new Results(null);
        r.startPhase("run", 0);
        r.completed(1, 2, false);  // e.g. a 503
        r.failed(5);                // connection reset
        r.failed(-1);               // during warm-up: ignored
        Results.Summary s = r.summaries(1_000 * MS, 3).get(0).summary();
        assertThat(s.errors()).isEqualTo(1 + 1 + 3);
        assertThat(s.ok()).isZero();
        assertThat(s.tsv().split(" ")).hasSize(6).endsWith("5");
    }
}
