package io.meshlens.exporter.slo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshlens.exporter.enrich.ProxySeries;

class SloAnnotationsTest {
    private final SloAnnotations slo = new SloAnnotations(ProxySeries.LATENCY_BUCKETS);
    private final List<String> errors = new ArrayList<>();

    @Test
    void defaultsWithoutAnnotations() {
        assertThat(slo.objectives(Map.of(), errors::add)).containsExactly(
                new SloObjective("availability", 0.999, "30d", ""),
                new SloObjective("latency", 0.99, "30d", "0.5"));
        assertThat(errors).isEmpty();
    }

    @Test
    void overridesSnapLatencyDownToAnExistingBucket() {
        var o = slo.objectives(Map.of("meshlens.io/slo-availability", "99.5%", "meshlens.io/slo-latency", "300ms 99.9",
                "meshlens.io/slo-period", "7d"), errors::add);
        assertThat(o).containsExactly(new SloObjective("availability", 0.995, "7d", ""),
                new SloObjective("latency", 0.999, "7d", "0.25"));
        assertThat(slo.objectives(Map.of("meshlens.io/slo-latency", "1s 95"), errors::add).get(1))
                .isEqualTo(new SloObjective("latency", 0.95, "30d", "1.0")); // exactly as client_java writes le
        assertThat(slo.objectives(Map.of("meshlens.io/slo-latency", "2.5 s 90"), errors::add).get(1).le()).isEqualTo("2.5");
        assertThat(errors).isEmpty();
    }

    @Test
    void malformedAnnotationsAreReportedAndTheDefaultApplies() {
        var o = slo.objectives(Map.of("meshlens.io/slo-availability", "101", "meshlens.io/slo-latency", "fast",
                "meshlens.io/slo-period", "1y"), errors::add);
        assertThat(o).containsExactly(new SloObjective("availability", 0.999, "30d", ""),
                new SloObjective("latency", 0.99, "30d", "0.5"));
        assertThat(errors).containsExactlyInAnyOrder("meshlens.io/slo-availability", "meshlens.io/slo-latency",
                "meshlens.io/slo-period");
        // below the smallest usable bucket (1 ms) there is nothing to measure against
        slo.objectives(Map.of("meshlens.io/slo-latency", "500us 99"), errors::add);
        slo.objectives(Map.of("meshlens.io/slo-latency", "0.5ms 99"), errors::add);
        assertThat(errors).hasSize(5);
    }
}
