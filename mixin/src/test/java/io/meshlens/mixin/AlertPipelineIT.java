package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.mixin.testing.Mesh;
import io.meshlens.mixin.testing.PrometheusProcess;
import io.meshlens.mixin.testing.Repo;
import io.meshlens.mixin.testing.Webhook;

/**
 * The SLO alerts end to end: real proxies and exporter, a real Prometheus evaluating the mixin's
 * rules every second with a compressed SLO period ("30d" lasts 4h, so the page pair is 20s/5s
 * at the same 14.4x), a real Alertmanager with the mixin's routing, and a webhook receiver here.
 * web starts failing: the page reaches the page receiver with the right labels while the
 * ticket for the same SLO is inhibited; the failures stop: the page resolves.
 */
class AlertPipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Mesh mesh;
    static Webhook webhook;
    static PrometheusProcess alertmanager;
    static PrometheusProcess prometheus;
    static volatile boolean failing;

    @BeforeAll
    static void start() throws Exception {
        webhook = new Webhook("127.0.2.200");
        renderCompressed();
        alertmanager = PrometheusProcess.start("alertmanager", "127.0.2.102", dir, List.of(
                "--config.file=" + dir.resolve("alertmanager.yml"), "--storage.path=" + dir.resolve("am"),
                "--cluster.listen-address="));
        mesh = Mesh.start(dir);
        mesh.fromBot(10, () -> failing ? "http://web-svc/status/500" : "http://web-svc/ok");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                "rule_files: [" + dir.resolve("meshlens-rules.yaml") + ", " + dir.resolve("meshlens-alerts.yaml") + "]",
                "alerting:",
                "  alertmanagers: [{static_configs: [{targets: ['" + alertmanager.baseUrl.substring("http://".length()) + "']}]}]",
                "scrape_configs:",
                "  - job_name: meshlens-exporter",
                "    honor_labels: true",
                "    static_configs: [{targets: ['" + mesh.exporterTarget() + "']}]",
                ""));
        prometheus = PrometheusProcess.prometheus("127.0.2.101", dir, config);
    }

    /** The mixin as committed, with only windows, intervals and receivers overridden. */
    private static void renderCompressed() throws Exception {
        Path entry = dir.resolve("compressed.jsonnet");
        Files.writeString(entry, """
                (import 'render/render.libsonnet')((import 'mixin.libsonnet') + { _config+:: {
                  ruleInterval: '1s',
                  sloPeriods: { '7d': '7d', '28d': '28d', '30d': '4h' },
                  sloBurnWindows: [
                    { kind: 'page', long: '20s', short: '5s', budgetFraction: 0.02, 'for': '0s' },
                    { kind: 'ticket', long: '40s', short: '10s', budgetFraction: 0.10, 'for': '0s' },
                  ],
                  sloBaseWindow: '5s',
                  alertmanagerGroupWait: '1s',
                  alertmanagerGroupInterval: '1s',
                  pageWebhookUrl: '%s',
                  ticketWebhookUrl: '%s',
                } })
                """.formatted(webhook.url("/page"), webhook.url("/ticket")));
        JsonNode out = JSON.readTree(JsonnetEvaluator.evaluate(entry, Repo.root().resolve("jsonnet")));
        for (String f : List.of("alerts/meshlens-rules.yaml", "alerts/meshlens-alerts.yaml", "alerts/alertmanager.yml")) {
            Files.writeString(dir.resolve(Path.of(f).getFileName()), YamlWriter.write(JSON.convertValue(out.path(f), Object.class)));
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {prometheus, alertmanager, mesh, webhook}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    private static Optional<JsonNode> pageAlert(String status) {
        for (JsonNode n : webhook.page) {
            for (JsonNode a : n.path("alerts")) {
                if (a.path("labels").path("alertname").asText().equals("MeshlensAvailabilityBudgetBurn")
                    && a.path("status").asText().equals(status)) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void aFailingWorkloadPagesAndResolves() throws Exception {
        // healthy traffic first: the SLO series exist and nothing fires
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                prometheus.scalar("workload_slo:meshlens_availability_burn_rate:ratio5s{workload=\"web\"}") == 0.0);
        assertThat(webhook.page).isEmpty();

        failing = true;
        long failedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> pageAlert("firing").isPresent());
        System.out.printf("page reached the webhook %.1f s after web started failing%n", (System.nanoTime() - failedAt) / 1e9);
        JsonNode page = pageAlert("firing").orElseThrow();
        assertThat(JSON.convertValue(page.path("labels"), java.util.Map.class)).containsEntry("severity", "critical")
                .containsEntry("sli", "availability").containsEntry("long", "20s").containsEntry("short", "5s")
                .containsEntry("namespace", Mesh.NAMESPACE).containsEntry("workload_kind", "deployment")
                .containsEntry("workload", "web").containsEntry("period", "30d");
        assertThat(page.path("annotations").path("description").asText()).startsWith("deployment/web in namespace emojivoto burns");
        assertThat(page.path("annotations").path("runbook_url").asText()).endsWith("docs/alerts.md#meshlensavailabilitybudgetburn");
        assertThat(page.path("annotations").path("dashboard_url").asText()).contains("/d/meshlens-slo/").contains("var-workload=web");

        // the ticket for the same SLO is held back by the inhibition rule while the page fires
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode alerts = JSON.readTree(alertmanager.get("/api/v2/alerts").body());
            boolean inhibitedTicket = false;
            for (JsonNode a : alerts) {
                if (a.path("labels").path("alertname").asText().equals("MeshlensAvailabilityBudgetBurn")
                    && a.path("labels").path("severity").asText().equals("warning")) {
                    inhibitedTicket = a.path("status").path("state").asText().equals("suppressed")
                                      && a.path("status").path("inhibitedBy").size() > 0;
                }
            }
            assertThat(inhibitedTicket).as(alerts.toString()).isTrue();
        });
        assertThat(webhook.ticket.toString()).doesNotContain("\"severity\":\"warning\",\"short\":\"10s\"");

        failing = false;
        long recoveredAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> pageAlert("resolved").isPresent());
        System.out.printf("page resolved %.1f s after the failures stopped%n", (System.nanoTime() - recoveredAt) / 1e9);
        assertThat(pageAlert("resolved").orElseThrow().path("labels").path("workload").asText()).isEqualTo("web");
    }
}
