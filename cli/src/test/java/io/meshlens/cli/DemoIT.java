package io.meshlens.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.cli.demo.LocalDemo;

/**
 * The debugging story, end to end: the local demo (real apps, real proxies, a real exporter and
 * a real Prometheus on 127.0.3.0/24), then the CLI finds the failing deployment, the failing
 * route and the failing gRPC method, and never shows a secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private LocalDemo demo;
    private String api;

    @BeforeAll
    void start() {
        demo = LocalDemo.start(new LocalDemo.Options("127.0.3.", false, 40, true, Path.of("..")));
        api = demo.exporterUrl().toString();
    }

    @AfterAll
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    private record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out + err, e);
            }
        }
    }

    private static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Meshlens.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static JsonNode row(JsonNode rows, String field, String value) {
        for (JsonNode r : rows) {
            if (value.equals(r.path(field).asText())) {
                return r;
            }
        }
        throw new AssertionError("no row with " + field + "=" + value + " in " + rows);
    }

    @Test
    @Order(1)
    void statShowsVotingBelowFullSuccess() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Result r = cli("stat", "deploy", "-n", "emojivoto", "-t", "30s", "-o", "json", "--api", api);
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode rows = r.json().path("rows");
            assertThat(row(rows, "name", "voting").path("rps").asDouble()).isGreaterThan(5);
            // One vote method in ten always fails: voting succeeds about 90%, emoji always.
            assertThat(row(rows, "name", "voting").path("success_rate").asDouble()).isBetween(0.7, 0.98);
            assertThat(row(rows, "name", "emoji").path("success_rate").asDouble()).isEqualTo(1.0);
            assertThat(row(rows, "name", "web").path("success_rate").asDouble()).isLessThan(1.0);
            assertThat(row(rows, "name", "voting").path("meshed_pods").asInt()).isEqualTo(1);
        });

        Result table = cli("stat", "deploy", "-n", "emojivoto", "-t", "30s", "--api", api);
        assertThat(table.out()).startsWith("NAME ").contains("voting").contains("%");
    }

    @Test
    @Order(2)
    void routesNameTheFailingMethod() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Result r = cli("routes", "deploy/voting", "-n", "emojivoto", "-t", "30s", "-o", "json", "--api", api);
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode rows = r.json().path("rows");
            assertThat(row(rows, "route", "VoteDoughnut").path("success_rate").asDouble()).isEqualTo(0.0);
            for (JsonNode route : rows) {
                if (!route.path("route").asText().equals("VoteDoughnut") && route.path("success_rate").isNumber()) {
                    assertThat(route.path("success_rate").asDouble()).as(route.toString()).isEqualTo(1.0);
                }
            }
        });
    }

    @Test
    @Order(3)
    void tapShowsTheFailingCallWithItsGrpcStatus() {
        Result r = cli("tap", "deploy/voting", "-n", "emojivoto", "--path", "/meshlens.demo.voting.VotingService/VoteDoughnut",
                "--max", "9", "--duration", "30s", "--api", api);
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> ends = r.out().lines().filter(l -> l.startsWith("end ")).toList();
        assertThat(ends).isNotEmpty().allSatisfy(l -> assertThat(l).contains("grpc-status=UNKNOWN").contains("proxy=in"));
        assertThat(r.out().lines().filter(l -> l.startsWith("req "))).allSatisfy(l ->
                assertThat(l).contains(":path=/meshlens.demo.voting.VotingService/VoteDoughnut"));
    }

    @Test
    @Order(4)
    void edgesListCallersAndCallees() {
        Result r = cli("edges", "-n", "emojivoto", "-t", "30s", "-o", "json", "--api", api);
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> pairs = new ArrayList<>();
        r.json().path("rows").forEach(e -> pairs.add(e.path("src_workload").asText() + "->" + e.path("dst_workload").asText()));
        assertThat(pairs).contains("vote-bot->web", "web->emoji", "web->voting");
    }

    @Test
    @Order(5)
    void topFindsTheFailingPath() {
        Result r = cli("top", "deploy/voting", "-n", "emojivoto", "--duration", "6s", "-o", "json", "--api", api);
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode doughnut = row(r.json().path("rows"), "path", "/meshlens.demo.voting.VotingService/VoteDoughnut");
        assertThat(doughnut.path("success_rate").asDouble()).isEqualTo(0.0);
        assertThat(doughnut.path("source").asText()).isEqualTo("deployment/web");
    }

    @Test
    @Order(6)
    void tapNeverShowsSecrets() throws Exception {
        HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(demo.botOutbound())).build();
        CompletableFuture<Result> tap = CompletableFuture.supplyAsync(() -> cli("tap", "deploy/web", "-n", "emojivoto",
                "--path", "/api/list", "--max", "12", "--duration", "30s", "-o", "json", "--api", api));
        // Keep sending until the tap has seen enough (it subscribes a moment after it starts).
        while (!tap.isDone()) {
            client.send(HttpRequest.newBuilder(URI.create("http://web-svc.emojivoto:8080/api/list?api_key=s3cr3t-query"))
                    .header("Authorization", "Bearer s3cr3t-token").header("Cookie", "session=s3cr3t-cookie")
                    .header("Proxy-Authorization", "Basic s3cr3t-proxy").build(), HttpResponse.BodyHandlers.discarding());
        }
        Result r = tap.get();
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().count()).isEqualTo(12);
        assertThat(r.out()).contains("/api/list").doesNotContainIgnoringCase("s3cr3t")
                .doesNotContainIgnoringCase("authorization").doesNotContainIgnoringCase("cookie");
    }

    @Test
    @Order(7)
    void versionCountsProxies() {
        Result r = cli("version", "--proxy", "-o", "json", "--api", api);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json().path("proxies").path("0.1.0").asInt()).isEqualTo(4);
    }

    @Test
    @Order(7)
    void checkProxyPassesThenListsEveryStaleProxy() {
        // On a loaded machine a scrape can miss its 1 s timeout and mark a proxy down for a cycle.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Result ok = cli("check", "--proxy", "--api", api);
            assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out()).contains("√ every proxy is up and ready").contains("Status check results are √");
        });

        Result stale = cli("check", "--proxy", "--expected-version", "9.9.9", "--api", api);
        assertThat(stale.exit()).isEqualTo(1);
        // every out-of-date proxy is listed, not only the first
        assertThat(stale.out()).contains("× every proxy is on 9.9.9").contains("emojivoto/web-").contains("emojivoto/emoji-")
                .contains("emojivoto/voting-").contains("emojivoto/vote-bot-").contains("Status check results are ×");
    }

    @Test
    @Order(8)
    void statFromPrometheusAgreesWithTheLiveWindow() {
        URI prom = demo.prometheusUrl().orElseThrow(() -> new AssertionError(
                "no Prometheus: scripts/setup.sh builds the pinned Prometheus 3 into .tools/bin"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Result r = cli("stat", "deploy", "-n", "emojivoto", "-t", "30s", "-o", "json", "--prometheus", prom.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.json().path("rows")).as(() -> "Prometheus targets: " + targets(prom)).isNotEmpty();
            JsonNode voting = row(r.json().path("rows"), "name", "voting");
            assertThat(voting.path("success_rate").asDouble()).isBetween(0.7, 0.98);
            assertThat(voting.path("meshed_pods").asInt()).isEqualTo(1);
            assertThat(voting.path("latency_p99_seconds").asDouble()).isPositive();
            assertThat(row(r.json().path("rows"), "name", "emoji").path("success_rate").asDouble()).isEqualTo(1.0);
        });
    }

    @Test
    @Order(9)
    void liveAndPrometheusStatShareOneSchema() {
        URI prom = demo.prometheusUrl().orElseThrow();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode live = cli("stat", "deploy", "voting", "-n", "emojivoto", "-t", "30s", "-o", "json", "--api", api).json();
            JsonNode fromProm = cli("stat", "deploy/voting", "-n", "emojivoto", "-t", "30s", "-o", "json", "--prometheus", prom.toString()).json();
            assertThat(fromProm.path("rows")).hasSize(1);
            assertThat(StatSchema.of(fromProm)).isEqualTo(StatSchema.of(live));
            assertThat(fromProm.path("rows").get(0).path("rps").asDouble()).isPositive();
        });
    }

    @Test
    @Order(10)
    void windowLongerThanTheDataUsesTheDataSpanAndSaysSo() {
        URI prom = demo.prometheusUrl().orElseThrow();
        Result hour = cli("stat", "deploy/voting", "-n", "emojivoto", "-t", "1h", "-o", "json", "--prometheus", prom.toString());
        Result half = cli("stat", "deploy/voting", "-n", "emojivoto", "-t", "30s", "-o", "json", "--prometheus", prom.toString());
        assertThat(hour.exit()).as(hour.err()).isZero();
        double span = hour.json().path("window_seconds").asDouble();
        assertThat(span).isPositive().isLessThan(600);
        // Over the span that had data, the rate is the demo's rate, not a 1/60th of it (what rate()[1h] alone gives).
        double rps1h = hour.json().path("rows").get(0).path("rps").asDouble();
        double rps30s = half.json().path("rows").get(0).path("rps").asDouble();
        assertThat(rps1h).isBetween(rps30s / 3, rps30s * 3);

        Result table = cli("stat", "deploy/voting", "-n", "emojivoto", "-t", "1h", "--prometheus", prom.toString());
        assertThat(table.out()).containsPattern("Only \\d+s of the 1h window had data; rates are over those \\d+s\\.");
        Result live = cli("stat", "deploy/voting", "-n", "emojivoto", "-t", "5m", "--api", api);
        assertThat(live.out()).containsPattern("Only \\d+s of the 5m window had data");
    }

    @Test
    @Order(11)
    void liveTopRedrawsSortedByCountAndQuitsOnQ() throws Exception {
        LiveTop.assumeTmux();
        try (LiveTop top = LiveTop.start("top", "deploy/voting", "-n", "emojivoto", "--api", api)) {
            // The header and the failing path appear, then the counts grow: the screen is redrawn.
            String first = top.awaitScreen(s -> s.contains("SOURCE") && s.contains("VoteDoughnut"));
            long before = LiveTop.count(first, "VoteDoughnut");
            String later = top.awaitScreen(s -> LiveTop.count(s, "VoteDoughnut") > before);
            assertThat(later).contains("meshlens top deploy/voting -n emojivoto").contains("(q quits)");
            assertThat(LiveTop.counts(later)).isSortedAccordingTo(java.util.Comparator.reverseOrder());
            top.sendKeys("q");
            top.awaitExit();
        }
    }

    @Test
    @Order(12)
    void theSlowVoteEndsAtTheTraceIdTheClientSent() throws Exception {
        URI prom = demo.prometheusUrl().orElseThrow();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e" + String.format("%04x", ProcessHandle.current().pid() & 0xffff);
        HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(demo.botOutbound())).build();
        HttpRequest slowVote = HttpRequest.newBuilder(URI.create("http://web-svc.emojivoto:8080/api/vote?choice=:turtle:"))
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").build();
        CompletableFuture<Result> tap = CompletableFuture.supplyAsync(() -> cli("tap", "deploy/voting", "-n", "emojivoto",
                "--trace-id", traceId, "--max", "3", "--duration", "60s", "--api", api));
        // The proxies keep the newest traced request per latency bucket: keep voting until
        // Prometheus has stored ours (the bot's own traced votes land in the same bucket too).
        String query = "meshlens_response_latency_seconds_bucket{workload=\"voting\", direction=\"inbound\"}";
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            client.send(slowVote, HttpResponse.BodyHandlers.discarding());
            assertThat(exemplarTraceIds(prom, query)).contains(traceId);
        });
        while (!tap.isDone()) {
            client.send(slowVote, HttpResponse.BodyHandlers.discarding());
        }
        Result r = tap.get();
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(3).allSatisfy(l -> assertThat(l).contains("trace_id=" + traceId))
                .anySatisfy(l -> assertThat(l).contains(":path=/meshlens.demo.voting.VotingService/VoteTurtle"));
    }

    /** Every trace_id of the exemplars Prometheus stored for {@code query} in the last 10 minutes. */
    private static List<String> exemplarTraceIds(URI prom, String query) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(prom.resolve("/api/v1/query_exemplars?query="
                + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8) + "&start=" + (now - 600) + "&end=" + (now + 60)))
                .build(), HttpResponse.BodyHandlers.ofString());
        List<String> ids = new ArrayList<>();
        for (JsonNode series : JSON.readTree(r.body()).path("data")) {
            for (JsonNode e : series.path("exemplars")) {
                ids.add(e.path("labels").path("trace_id").asText());
            }
        }
        return ids;
    }

    private static String targets(URI prom) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(prom.resolve("/api/v1/targets")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return String.valueOf(e);
        }
    }
}
