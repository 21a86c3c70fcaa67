package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.mixin.testing.Repo;

/**
 * Users import the mixin and override {@code _config}: every selector and window follows the
 * override, and the burn-rate factors follow the period.
 */
class MixinConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private JsonNode render(String overrides) throws Exception {
        Path entry = dir.resolve("custom.jsonnet");
        Files.writeString(entry, "(import 'render.libsonnet')((import 'mixin.libsonnet') + { _config+:: " + overrides + " })");
        return JSON.readTree(JsonnetEvaluator.evaluate(entry, Repo.root().resolve("jsonnet")));
    }

    private static List<String> exprs(JsonNode out) {
        List<String> all = new ArrayList<>();
        for (String f : List.of("alerts/meshlens-rules.yaml", "alerts/meshlens-alerts.yaml")) {
            for (JsonNode g : out.path(f).path("groups")) {
                g.path("rules").forEach(r -> all.add(r.path("expr").asText()));
            }
        }
        out.fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("grafana/dashboards/")) {
                e.getValue().findValues("expr").forEach(x -> all.add(x.asText()));
                e.getValue().path("templating").path("list").forEach(v -> all.add(v.path("query").asText()));
            }
        });
        return all;
    }

    @Test
    void theExporterSelectorReachesEveryQuery() throws Exception {
        JsonNode out = render("{ exporterSelector: 'job=\"mesh\", cluster=\"eu1\"' }");
        List<String> exprs = exprs(out);
        assertThat(exprs).hasSizeGreaterThan(100);
        assertThat(exprs).noneMatch(e -> e.contains("meshlens-exporter"));
        // every query that reads a raw series names the selector (recorded series already carry it)
        assertThat(exprs.stream().filter(e -> e.matches("(?s).*\\b(meshlens_[a-z_]+|jvm_[a-z_]+|process_[a-z_]+|up)\\{.*")))
                .isNotEmpty()
                .allMatch(e -> e.contains("job=\"mesh\", cluster=\"eu1\""));
    }

    @Test
    void windowsAndThresholdsComeFromTheConfig() throws Exception {
        JsonNode out = render("{ alertWindow: '10m', recordingWindows: ['2m', '10m'], dashboardWindow: '2m', successRateThreshold: 0.9 }");
        String rules = out.path("alerts/meshlens-rules.yaml").toString();
        assertThat(rules).contains("workload:meshlens_requests:rate2m", "workload:meshlens_requests:rate10m")
                .doesNotContain("rate1m");
        String alerts = out.path("alerts/meshlens-alerts.yaml").toString();
        assertThat(alerts).contains("workload:meshlens_responses:rate10m").contains("< 0.9");
        assertThat(out.path("grafana/dashboards/meshlens-namespace.json").toString()).contains("workload:meshlens_requests:rate2m");
    }

    @Test
    void burnRateFactorsAreDerivedFromThePeriod() throws Exception {
        JsonNode out = render("{}");
        String page = null;
        for (JsonNode g : out.path("alerts/meshlens-alerts.yaml").path("groups")) {
            for (JsonNode r : g.path("rules")) {
                if (r.path("alert").asText().equals("MeshlensAvailabilityBudgetBurn") && r.path("labels").path("long").asText().equals("1h")) {
                    page = r.path("expr").asText();
                }
            }
        }
        assertThat(page).isNotNull();
        // 2% of the budget in 1h: 14.4x for 30 days, 13.44x for 28, 3.36x for 7
        assertThat(page).contains("period=\"30d\"} > 14.4").contains("period=\"28d\"} > 13.44").contains("period=\"7d\"} > 3.36");
    }
}
