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
        Result ok = cli("check", "--proxy", "--api", api);
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("√ every proxy is up and ready").contains("Status check results are √");

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

    private static String targets(URI prom) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(prom.resolve("/api/v1/targets")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return String.valueOf(e);
        }
    }
}
