package io.meshlens.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class SlicesTest {
    private static final long MS = 1_000_000;
    private static final long S = 1_000 * MS;

    @Test
    void chargesEachRequestToTheSliceOfItsIntendedSendTime() {
        Slices slices = new Slices(10 * S, 5 * S, 12 * S); // 3 slices: 0-5, 5-10, 10-15 s
        Results r = new Results(slices);
        r.startPhase("run", 20 * S);                        // the summary window starts after all of them
        r.completed(10 * S, 10 * S + MS, true);             // slice 0: 1 ms
        r.completed(14 * S, 14 * S + 300 * MS, true);       // slice 0: answered in slice 1, charged to 0
        r.completed(16 * S, 16 * S + 2 * MS, false);        // slice 1: a 5xx
        r.failed(17 * S);                                   // slice 1: no answer
        r.completed(9 * S, 9 * S + MS, true);               // before the start: no slice
        r.completed(40 * S, 40 * S + MS, true);             // after the end: no slice, but in the summary
        List<Slices.Slice> out = slices.drain();
        assertThat(out).hasSize(3);
        assertThat(out.get(0).count()).isEqualTo(2);
        assertThat(out.get(0).max()).isBetween(299 * MS, 301 * MS);
        assertThat(out.get(1).count()).isEqualTo(1);
        assertThat(out.get(1).errors()).isEqualTo(2);
        assertThat(out.get(2).count()).isZero();
        assertThat(out.get(1).line()).startsWith("slice 5 10 2.");
        assertThat(r.summaries(20 * S + S, 0).get(0).summary().count()).isEqualTo(1);
    }

    @Test
    void parsesTheWarmUpOptions() {
        LoadOptions o = LoadOptions.parse("--url", "http://127.0.5.2:4143/", "--rate", "1000", "--slice", "5s",
                "--prewarm-url", "http://127.0.5.1:8080/", "--prewarm", "3s", "--start-when", "http://127.0.5.2:4191/ready");
        assertThat(o.slice()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.startWhen().getPath()).isEqualTo("/ready");
        LoadOptions warm = o.prewarmRun();
        assertThat(warm.url().getPort()).isEqualTo(8080);
        assertThat(warm.duration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(warm.warmup()).isZero();
        assertThat(warm.slice()).isNull();
        assertThat(warm.startWhen()).isNull();
        assertThatThrownBy(() -> LoadOptions.parse("--url", "http://x:1/", "--rate", "1", "--slice", "0s"))
                .hasMessageContaining("--slice");
    }
}
