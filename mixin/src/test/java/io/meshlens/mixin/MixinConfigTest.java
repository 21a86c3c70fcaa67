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
        Files.writeString(entry, "(import 'render/render.libsonnet')((import 'mixin.libsonnet') + { _config+:: " + overrides + " })");
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

    private static List<JsonNode> rules(JsonNode out) {
        List<JsonNode> all = new ArrayList<>();
        for (String f : List.of("alerts/meshlens-rules.yaml", "alerts/meshlens-alerts.yaml")) {
            out.path(f).path("groups").forEach(g -> g.path("rules").forEach(all::add));
        }
        return all;
    }

    @Test
    void multiClusterKeepsTheClusterLabelInEveryRuleAndSelectsItOnEveryDashboard() throws Exception {
        JsonNode out = render("{ showMultiCluster: true, clusterLabel: 'k8s_cluster' }");
        // every aggregation of every rule and alert keeps the cluster label
        List<String> byClauses = new ArrayList<>();
        for (JsonNode r : rules(out)) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bby \\(([^)]*)\\)").matcher(r.path("expr").asText());
            while (m.find()) {
                byClauses.add(r.path("record").asText(r.path("alert").asText()) + ": " + m.group(1));
            }
        }
        assertThat(byClauses).hasSizeGreaterThan(50).allMatch(b -> b.contains("k8s_cluster"));
        // every dashboard has the cluster variable, and every selector of every target and
        // variable query (but the cluster variable's own) picks the chosen cluster
        java.util.regex.Pattern selector = java.util.regex.Pattern.compile("[a-z_:]+\\{([^}]*)\\}");
        List<String> unscoped = new ArrayList<>();
        int selectors = 0;
        for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = out.fields(); it.hasNext();) {
            java.util.Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().startsWith("grafana/dashboards/")) {
                continue;
            }
            List<String> names = new ArrayList<>();
            e.getValue().path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
            assertThat(names).as(e.getKey()).startsWith("datasource", "cluster");
            List<String> queries = new ArrayList<>();
            e.getValue().findValues("expr").forEach(x -> queries.add(x.asText()));
            e.getValue().path("templating").path("list").forEach(v -> {
                if (!v.path("name").asText().equals("cluster") && v.path("type").asText().equals("query")) {
                    queries.add(v.path("query").asText());
                }
            });
            for (String q : queries) {
                java.util.regex.Matcher m = selector.matcher(q);
                while (m.find()) {
                    selectors++;
                    if (!m.group(1).contains("k8s_cluster=\"$cluster\"")) {
                        unscoped.add(e.getKey() + ": " + m.group());
                    }
                }
            }
        }
        assertThat(selectors).isGreaterThan(200);
        assertThat(unscoped).isEmpty();
        // off (the default): no cluster anywhere
        assertThat(exprs(render("{}"))).noneMatch(x -> x.contains("cluster"));
    }

    private static java.util.Set<String> alertSeverities(JsonNode out) {
        java.util.Set<String> severities = new java.util.TreeSet<>();
        rules(out).forEach(r -> {
            if (r.has("alert")) {
                severities.add(r.path("labels").path("severity").asText());
            }
        });
        return severities;
    }

    @Test
    void severitiesComeFromTheConfigAndTheAlertmanagerExampleRoutesThem() throws Exception {
        assertThat(alertSeverities(render("{}"))).containsExactly("critical", "warning");
        JsonNode custom = render("{ pageSeverity: 'P1', ticketSeverity: 'P3' }");
        assertThat(alertSeverities(custom)).containsExactly("P1", "P3");
        assertThat(custom.path("alerts/alertmanager.yml").toString()).contains("severity=\\\"P1\\\"", "severity=\\\"P3\\\"")
                .doesNotContain("critical");
    }

    @Test
    void latencyPanelsAskForExemplarsAndTheDatasourceLinksThemToTraces() throws Exception {
        JsonNode out = render("{ tracingDatasourceUid: 'tempo' }");
        List<String> withExemplars = new ArrayList<>();
        List<String> latencyWithout = new ArrayList<>();
        out.fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("grafana/dashboards/")) {
                for (JsonNode p : e.getValue().path("panels")) {
                    boolean latency = "s".equals(p.path("fieldConfig").path("defaults").path("unit").asText()) && "timeseries".equals(p.path("type").asText());
                    for (JsonNode t : p.path("targets")) {
                        if (t.path("exemplar").asBoolean()) {
                            withExemplars.add(p.path("title").asText());
                        } else if (latency) {
                            latencyWithout.add(e.getKey() + " / " + p.path("title").asText());
                        }
                    }
                }
            }
        });
        assertThat(withExemplars).contains("Latency", "p99 latency by route");
        assertThat(latencyWithout).isEmpty();
        JsonNode link = out.path("grafana/provisioning/datasources/meshlens.yaml").path("datasources").get(0)
                .path("jsonData").path("exemplarTraceIdDestinations").get(0);
        assertThat(link.path("name").asText()).isEqualTo("trace_id");
        assertThat(link.path("datasourceUid").asText()).isEqualTo("tempo");
        JsonNode jaeger = render("{ tracingUrl: 'https://jaeger.example/trace/${__value.raw}' }")
                .path("grafana/provisioning/datasources/meshlens.yaml").path("datasources").get(0).path("jsonData")
                .path("exemplarTraceIdDestinations").get(0);
        assertThat(jaeger.path("url").asText()).isEqualTo("https://jaeger.example/trace/${__value.raw}");
        // without a tracing backend, no link is configured
        assertThat(render("{}").path("grafana/provisioning/datasources/meshlens.yaml").path("datasources").get(0).path("jsonData")
                .has("exemplarTraceIdDestinations")).isFalse();
    }

    @Test
    void theSloWindowsDeriveFromTheWorkloadRecordingsAndTheLongOnesAreChained() throws Exception {
        JsonNode out = render("{}");
        java.util.Map<String, String> byRecord = new java.util.HashMap<>();
        rules(out).forEach(r -> byRecord.put(r.path("record").asText(), r.path("expr").asText()));
        for (String w : List.of("1d", "3d")) {
            assertThat(byRecord.get("workload_slo:meshlens_requests:increase" + w))
                    .isEqualTo("sum_over_time(workload_slo:meshlens_requests:increase5m[" + w + ":5m])");
            assertThat(byRecord.get("workload_slo:meshlens_availability_errors:increase" + w)).doesNotContain("meshlens_responses_total");
        }
        // the short windows still read the raw counters; the base window's counts derive from the
        // workload group's recordings
        assertThat(byRecord.get("workload_slo:meshlens_responses:increase1h")).contains("increase(meshlens_responses_total");
        assertThat(byRecord.get("workload_slo:meshlens_requests:increase1h")).isEqualTo(
                "sum by (namespace, workload_kind, workload) (workload_slo:meshlens_responses:increase1h)");
        for (String base : List.of("requests", "availability_errors", "latency_good", "latency_total")) {
            assertThat(byRecord.get("workload_slo:meshlens_" + base + ":increase5m")).as(base)
                    .contains("workload:meshlens_").doesNotContain("meshlens_responses_total", "meshlens_response_latency_seconds{");
        }
        // only the workload group reads the raw latency histogram, once per window and side
        assertThat(rules(out).stream().filter(r -> r.path("expr").asText().contains("meshlens_response_latency_seconds{")
                || r.path("expr").asText().contains("meshlens_response_latency_seconds_bucket{")))
                .extracting(r -> r.path("record").asText())
                .containsExactlyInAnyOrder("workload:meshlens_response_latency_seconds:rate1m", "workload:meshlens_response_latency_seconds_bucket:rate1m",
                        "workload:meshlens_response_latency_seconds:rate5m", "workload:meshlens_response_latency_seconds_bucket:rate5m");
        // no rule reads a raw series over a day or more
        assertThat(rules(out)).noneMatch(r -> r.path("expr").asText().matches("(?s).*meshlens_response[a-z_]*\\{[^}]*\\}\\[\\d+d\\].*"));
    }
}
