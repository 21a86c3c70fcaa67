package io.meshlens.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;

import org.junit.jupiter.api.Test;

class PhaseControlTest {
    private static final long MS = 1_000_000;

    @Test
    void eachLineStartsAPhaseThereAndThenAndEndStops() {
        Results r = new Results((Slices) null);
        long before = System.nanoTime();
        PhaseControl c = new PhaseControl(new BufferedReader(new StringReader("quiet\n\n abuse \nend\nnever\n")), r);
        assertThat(c.ended()).isFalse();
        c.readUntilEnd();
        long after = System.nanoTime();
        assertThat(c.ended()).isTrue();
        assertThat(r.phaseAt(before - 1)).isEqualTo("warm-up");
        assertThat(r.phaseAt(after)).isEqualTo("abuse"); // stripped; "never" comes after "end"
        r.completed(before - 1, before, true);             // warm-up: not recorded
        r.completed(after, after + 5 * MS, true);
        r.completed(after, after + 7 * MS, false);
        r.failed(after + 1);
        var out = r.summaries(after + 1_000 * MS, 2);
        assertThat(out).extracting(Results.PhaseSummary::phase).containsExactly("quiet", "abuse");
        assertThat(out.get(0).summary().count()).isZero();
        Results.Summary abuse = out.get(1).summary();
        assertThat(abuse.count()).isEqualTo(2);
        assertThat(abuse.ok()).isEqualTo(1);
        assertThat(abuse.errors()).isEqualTo(1 + 1 + 2); // a failed answer, no answer, 2 unfinished
        assertThat(abuse.max()).isBetween(6_900_000L, 7_100_000L);
        assertThat(out.get(1).human()).startsWith("phase abuse: p50 5.");
    }

    @Test
    void theEndOfTheStreamEndsTooAndPhasesKeepTheirOrder() {
        Results r = new Results((Slices) null);
        PhaseControl c = new PhaseControl(new BufferedReader(new StringReader("only")), r);
        c.readUntilEnd();
        assertThat(c.ended()).isTrue();
        assertThat(r.summaries(System.nanoTime(), 0)).extracting(Results.PhaseSummary::phase).containsExactly("only");
        assertThatThrownBy(() -> r.startPhase("earlier", 0)).hasMessageContaining("phase earlier starts before");
    }
}
