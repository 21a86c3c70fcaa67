package io.meshlens.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.exporter.scrape.ProtobufPage;
import io.meshlens.exporter.testing.Exporters;
import io.meshlens.exporter.testing.FakePod;
import io.meshlens.proxy.testing.PromText;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;

/**
 * Real proxies on distinct loopback "pod IPs", real traffic between them, and an exporter in
 * static-inventory mode: the enriched series name workloads on both sides, series that only
 * differed by caller pod are summed, and no {@code peer} reaches the output.
 */
class InventoryEnrichmentTest {
    @TempDir
    static Path dir;
    static FakePod web;
    static FakePod bot1;
    static FakePod bot2;
    static RunningExporter exporter;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        web = FakePod.start("127.0.1.1", Map.of());
        bot1 = FakePod.start("127.0.1.3", Map.of("web-svc", web.inbound()));
        bot2 = FakePod.start("127.0.1.4", Map.of("web-svc", web.inbound()));
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, String.join("\n",
                "pods:",
                "  - {namespace: emojivoto, name: web-6b7c9-x1, ip: 127.0.1.1, meshed: true, adminPort: " + web.adminPort() + ",",
                "     labels: {app: web, pod-template-hash: 6b7c9},",
                "     owners: [{kind: ReplicaSet, name: web-6b7c9}, {kind: Deployment, name: web}]}",
                "  - {namespace: emojivoto, name: vote-bot-5d8f-a, ip: 127.0.1.3, meshed: true, adminPort: " + bot1.adminPort() + ",",
                "     owners: [{kind: ReplicaSet, name: vote-bot-5d8f}, {kind: Deployment, name: vote-bot}]}",
                "  - {namespace: emojivoto, name: vote-bot-5d8f-b, ip: 127.0.1.4, meshed: true, adminPort: " + bot2.adminPort() + ",",
                "     owners: [{kind: ReplicaSet, name: vote-bot-5d8f}, {kind: Deployment, name: vote-bot}]}",
                "  - {namespace: emojivoto, name: legacy-0, ip: 127.0.1.20, owners: [{kind: StatefulSet, name: legacy}]}",
                "services:",
                "  - {namespace: emojivoto, name: web-svc, clusterIP: 127.0.1.100, selector: {app: web}}",
                "workloads:",
                "  - {namespace: emojivoto, kind: Deployment, name: web,",
                "     annotations: {meshlens.io/slo-availability: '99.5', meshlens.io/slo-latency: 300ms 99, meshlens.io/slo-period: 7d}}",
                ""));
        exporter = ExporterServer.start(Exporters.config().inventory(inventory).build());
        await().atMost(Exporters.PATIENCE).until(exporter::isReady);
        HttpClient viaBot1 = HttpClient.newBuilder().proxy(java.net.ProxySelector.of(bot1.outbound())).build();
        HttpClient viaBot2 = HttpClient.newBuilder().proxy(java.net.ProxySelector.of(bot2.outbound())).build();
        for (int i = 0; i < 20; i++) {
            send(viaBot1, "http://web-svc/ok", 200);
        }
        for (int i = 0; i < 5; i++) {
            send(viaBot1, "http://web-svc/status/500", 500);
        }
        for (int i = 0; i < 10; i++) {
            send(viaBot2, "http://web-svc/ok", 200);
        }
    }

    private static void send(HttpClient c, String url, int expected) throws Exception {
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(url)).version(HttpClient.Version.HTTP_1_1).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(expected);
    }

    @AfterAll
    static void stop() {
        if (exporter != null) {
            exporter.close();
        }
        for (FakePod p : new FakePod[] {web, bot1, bot2}) {
            if (p != null) {
                p.close();
            }
        }
    }

    private static final Map<String, String> WEB_FROM_BOT = Map.of("direction", "inbound", "namespace", "emojivoto",
            "workload_kind", "deployment", "workload", "web", "pod", "web-6b7c9-x1",
            "src_namespace", "emojivoto", "src_kind", "deployment", "src_workload", "vote-bot",
            "dst_kind", "deployment", "dst_workload", "web");

    @Test
    void inboundSeriesNameTheCallerAndSumItsPods() {
        await().atMost(Exporters.PATIENCE).untilAsserted(() -> {
            PromText m = Exporters.scrape(exporter);
            List<PromText.Sample> ok = m.named("meshlens_responses_total").stream()
                    .filter(s -> s.labels().entrySet().containsAll(WEB_FROM_BOT.entrySet())
                                 && "200".equals(s.labels().get("status_code")))
                    .toList();
            assertThat(ok).hasSize(1); // both vote-bot pods' series became one
            assertThat(ok.get(0).value()).isEqualTo(30);
            assertThat(ok.get(0).labels()).containsEntry("authority", "web-svc:80").containsEntry("classification", "success")
                    .containsEntry("dst_namespace", "emojivoto");
            Map<String, String> failed = new java.util.HashMap<>(WEB_FROM_BOT);
            failed.put("status_code", "500");
            failed.put("classification", "failure");
            assertThat(m.sum("meshlens_responses_total", failed)).isEqualTo(5);
            assertThat(m.sum("meshlens_response_latency_seconds_count", WEB_FROM_BOT)).isEqualTo(35);
        });
    }

    @Test
    void outboundSeriesNameTheCalleeByPodIp() {
        await().atMost(Exporters.PATIENCE).untilAsserted(() -> {
            PromText m = Exporters.scrape(exporter);
            assertThat(m.sum("meshlens_responses_total", Map.of("direction", "outbound", "pod", "vote-bot-5d8f-a",
                    "workload", "vote-bot", "src_workload", "vote-bot", "dst_kind", "deployment", "dst_workload", "web",
                    "dst_namespace", "emojivoto"))).isEqualTo(25);
            assertThat(m.sum("meshlens_tcp_connections_opened_total", Map.of("direction", "outbound",
                    "pod", "vote-bot-5d8f-b", "dst_workload", "web"))).isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void peerNeverReachesTheOutputAndEveryProxySeriesHasIdentity() {
        await().atMost(Exporters.PATIENCE).untilAsserted(() -> {
            PromText m = Exporters.scrape(exporter);
            assertThat(m.sum("meshlens_requests_total", Map.of())).isGreaterThanOrEqualTo(70);
            assertThat(m.samples()).allSatisfy(s -> assertThat(s.labels()).doesNotContainKey("peer"));
            assertThat(m.samples().stream().filter(s -> s.name().startsWith("meshlens_requests")))
                    .isNotEmpty()
                    .allSatisfy(s -> assertThat(s.labels()).containsKeys("namespace", "pod", "workload_kind", "workload",
                            "src_workload", "dst_workload"));
            assertThat(m.sum("meshlens_proxy_info", Map.of("version", "0.1.0", "workload", "web", "pod", "web-6b7c9-x1")))
                    .isEqualTo(1);
            // the proxies' own JVM series come through per pod, next to the exporter's own (no pod label)
            assertThat(m.named("jvm_memory_used_bytes").stream().anyMatch(s -> "vote-bot-5d8f-b".equals(s.labels().get("pod"))))
                    .isTrue();
            assertThat(m.named("jvm_memory_used_bytes").stream().anyMatch(s -> !s.labels().containsKey("pod"))).isTrue();
        });
    }

    @Test
    void selfMetricsTargetsPodsAndObjectives() {
        await().atMost(Exporters.PATIENCE).untilAsserted(() -> {
            PromText m = Exporters.scrape(exporter);
            assertThat(m.sum("meshlens_exporter_target_up", Map.of("pod", "web-6b7c9-x1", "workload", "web"))).isEqualTo(1);
            assertThat(m.named("meshlens_exporter_target_up")).hasSize(3); // legacy-0 is not meshed
            assertThat(m.sum("meshlens_workload_pods", Map.of("workload", "vote-bot", "meshed", "true"))).isEqualTo(2);
            assertThat(m.sum("meshlens_workload_pods", Map.of("workload_kind", "statefulset", "workload", "legacy",
                    "meshed", "false"))).isEqualTo(1);
            // annotated: 99.5% over 7d, latency 300ms snaps down to the 0.25 bucket (a value, not an le label)
            assertThat(m.sum("meshlens_slo_objective", Map.of("workload", "web", "sli", "availability", "period", "7d")))
                    .isEqualTo(0.995);
            assertThat(m.sum("meshlens_slo_objective", Map.of("workload", "web", "sli", "latency", "period", "7d"))).isEqualTo(0.99);
            assertThat(m.sum("meshlens_slo_latency_bound_seconds", Map.of("workload", "web", "period", "7d"))).isEqualTo(0.25);
            assertThat(m.named("meshlens_slo_objective")).allSatisfy(s -> assertThat(s.labels()).doesNotContainKey("le"));
            // defaults for a workload without annotations
            assertThat(m.sum("meshlens_slo_objective", Map.of("workload", "vote-bot", "sli", "availability", "period", "30d")))
                    .isEqualTo(0.999);
            assertThat(m.sum("meshlens_slo_objective", Map.of("workload", "vote-bot", "sli", "latency"))).isEqualTo(0.99);
            assertThat(m.sum("meshlens_slo_latency_bound_seconds", Map.of("workload", "vote-bot"))).isEqualTo(0.5);
            assertThat(m.sum("meshlens_exporter_series", Map.of("stage", "in"))).isGreaterThan(0);
            // (a cold first scrape may time out on a loaded machine; nothing else may fail)
            assertThat(m.sum("meshlens_exporter_scrape_errors_total", s -> !"timeout".equals(s.labels().get("reason"))))
                    .as(m.named("meshlens_exporter_scrape_errors_total").toString()).isZero();
            assertThat(m.types()).containsEntry("meshlens_exporter_scrape_duration_seconds", "histogram");
        });
    }

    @Test
    void protobufOutputKeepsNativeHistograms() {
        await().atMost(Exporters.PATIENCE).untilAsserted(() -> {
            HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.1.250:" + exporter.port() + "/metrics")).header("Accept", ProtobufPage.ACCEPT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/vnd.google.protobuf");
            var page = ProtobufPage.parse(r.body(), 1_000_000, "exporter");
            Metrics.MetricFamily latency = page.stream().filter(f -> f.getName().equals("meshlens_response_latency_seconds"))
                    .findFirst().orElseThrow();
            Metrics.Histogram h = latency.getMetricList().stream()
                    .filter(mm -> mm.getLabelList().stream().anyMatch(l -> l.getName().equals("workload") && l.getValue().equals("web"))
                            && mm.getLabelList().stream().anyMatch(l -> l.getName().equals("direction") && l.getValue().equals("inbound"))
                            && mm.getLabelList().stream().anyMatch(l -> l.getName().equals("classification") && l.getValue().equals("success")))
                    .findFirst().orElseThrow().getHistogram();
            assertThat(h.getSampleCount()).isEqualTo(30);
            assertThat(h.hasSchema()).isTrue();
            long nativeCount = h.getZeroCount();
            long c = 0;
            for (long d : h.getPositiveDeltaList()) {
                c += d;
                nativeCount += c;
            }
            assertThat(nativeCount).isEqualTo(30);
        });
    }

    @Test
    void liveApiAnswersStatEdgesRoutesProxiesAndVersion() throws Exception {
        await().atMost(Exporters.PATIENCE).untilAsserted(() -> {
            JsonNode stat = JSON.readTree(Exporters.get(exporter, "/api/v1/stat?resource=deploy&namespace=emojivoto&window=5m").body());
            JsonNode webRow = row(stat, "name", "web");
            assertThat(webRow.get("meshed_pods").asInt()).isEqualTo(1);
            assertThat(webRow.get("success_rate").asDouble()).isCloseTo(30.0 / 35, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(webRow.get("rps").asDouble()).isGreaterThan(0);
            assertThat(webRow.get("latency_p99_seconds").isNull()).isFalse();
        });
        JsonNode legacy = row(JSON.readTree(Exporters.get(exporter, "/api/v1/stat?resource=sts&window=5m").body()), "name", "legacy");
        assertThat(legacy.get("meshed_pods").asInt()).isZero();
        assertThat(legacy.get("total_pods").asInt()).isEqualTo(1);
        assertThat(legacy.get("success_rate").isNull()).isTrue();

        JsonNode fromBot = JSON.readTree(Exporters.get(exporter,
                "/api/v1/stat?resource=deploy&namespace=emojivoto&from=deploy/vote-bot&window=5m").body());
        assertThat(fromBot.get("rows")).hasSize(1);
        JsonNode toWeb = JSON.readTree(Exporters.get(exporter,
                "/api/v1/stat?resource=deploy&namespace=emojivoto&to=deploy/web&window=5m").body());
        assertThat(row(toWeb, "name", "vote-bot").get("success_rate").asDouble()).isCloseTo(30.0 / 35,
                org.assertj.core.data.Offset.offset(1e-9));

        JsonNode edges = JSON.readTree(Exporters.get(exporter, "/api/v1/edges?namespace=emojivoto&window=5m").body());
        JsonNode edge = row(edges, "src_workload", "vote-bot");
        assertThat(edge.get("dst_workload").asText()).isEqualTo("web");
        assertThat(edges.get("rows")).hasSize(1); // vote-bot -> web counted once, on web's side

        JsonNode routes = JSON.readTree(Exporters.get(exporter, "/api/v1/routes?resource=deploy&name=web&window=5m").body());
        assertThat(routes.get("rows")).hasSize(1);
        assertThat(routes.get("rows").get(0).get("route").asText()).isEqualTo("default");

        JsonNode proxies = JSON.readTree(Exporters.get(exporter, "/api/v1/proxies").body()).get("proxies");
        assertThat(proxies).hasSize(3);
        assertThat(proxies).allSatisfy(p -> {
            assertThat(p.get("up").asBoolean()).isTrue();
            assertThat(p.get("version").asText()).isEqualTo("0.1.0");
        });
        JsonNode version = JSON.readTree(Exporters.get(exporter, "/api/v1/version").body());
        assertThat(version.get("exporter").asText()).isEqualTo(ExporterVersion.VERSION);
        assertThat(version.get("proxies").get("0.1.0").asInt()).isEqualTo(3);
    }

    @Test
    void badApiRequestsGetPreciseErrors() throws Exception {
        var r = Exporters.get(exporter, "/api/v1/stat?resource=bogus");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("resource: 'bogus'").contains("expected");
        r = Exporters.get(exporter, "/api/v1/stat?window=2h");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("window");
        r = Exporters.get(exporter, "/api/v1/routes?resource=deploy");
        assertThat(r.statusCode()).isEqualTo(400);
        r = Exporters.get(exporter, "/api/v1/tap?resource=deploy&name=nope");
        assertThat(r.statusCode()).isEqualTo(404);
        r = Exporters.get(exporter, "/api/v1/stat?resource=deploy&name=nope&namespace=emojivoto");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("deployment/nope does not exist in namespace emojivoto");
        r = Exporters.get(exporter, "/api/v1/edges?namespace=nowhere");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("namespace nowhere does not exist");
    }

    private static JsonNode row(JsonNode doc, String field, String value) {
        for (JsonNode r : doc.get("rows")) {
            if (value.equals(r.get(field).asText())) {
                return r;
            }
        }
        throw new AssertionError("no row with " + field + "=" + value + " in " + doc);
    }

}
