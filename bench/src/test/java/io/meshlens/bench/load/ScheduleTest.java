package io.meshlens.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    @Test
    void requestsAreDueAtFixedIntervalsFromTheStart() {
        Schedule s = new Schedule(1_000, 1000, 1_000_000_000L); // 1,000/s for 1 s
        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.intended(0)).isEqualTo(1_000);
        assertThat(s.intended(1)).isEqualTo(1_001_000);
        assertThat(s.intended(999)).isEqualTo(999_001_000);
    }

    @Test
    void dueCountFollowsTheClockNotTheResponses() {
        Schedule s = new Schedule(0, 20_000, 1_000_000_000L); // every 50 us
        assertThat(s.dueBy(-1)).isZero();
        assertThat(s.dueBy(0)).isEqualTo(1);
        assertThat(s.dueBy(49_999)).isEqualTo(1);
        assertThat(s.dueBy(50_000)).isEqualTo(2);
        // a driver that stalled for 10 ms owes 200 more requests at once (no coordinated omission)
        assertThat(s.dueBy(10_050_000) - s.dueBy(50_000)).isEqualTo(200);
        assertThat(s.dueBy(5_000_000_000L)).isEqualTo(20_000);
    }

    @Test
    void rejectsANonPositiveRate() {
        assertThatThrownBy(() -> new Schedule(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
