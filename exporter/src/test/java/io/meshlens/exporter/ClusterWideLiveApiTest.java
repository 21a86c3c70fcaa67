package io.meshlens.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.exporter.testing.Exporters;
import io.meshlens.exporter.testing.FakePod;

/**
 * DaemonSet mode across three nodes: each exporter scrapes only its node's proxies, yet the live
 * API of any one of them answers for the whole cluster, exactly the sum of the three shards, and
 * says which node is missing once its exporter is gone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterWideLiveApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NODES = {"node-a", "node-b", "node-c"};
    private static final String[] EXPORTER_IPS = {"127.0.1.171", "127.0.1.172", "127.0.1.173"};
    private static final int WEB_A_OK = 21;
    private static final int WEB_A_FAILED = 4;
    private static final int WEB_B_OK = 13;
    private static final int API_OK = 8;

    @TempDir
    static Path dir;
    static FakePod webA;
    static FakePod webB;
    static FakePod api;
    static FakePod bot;
    static final List<RunningExporter> exporters = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        webA = FakePod.start("127.0.1.161", Map.of());
        webB = FakePod.start("127.0.1.162", Map.of());
        api = FakePod.start("127.0.1.163", Map.of());
        bot = FakePod.start("127.0.1.164", Map.of("web-a", webA.inbound(), "web-b", webB.inbound(), "api", api.inbound()));
        Path inventory = dir.resolve("inventory.yaml");
        List<String> lines = new ArrayList<>(List.of("pods:",
                pod("web-a", webA, "node-a", "web"), pod("web-b", webB, "node-b", "web"),
                pod("api-c", api, "node-c", "api"), pod("bot-a", bot, "node-a", "bot")));
        for (int i = 0; i < NODES.length; i++) {
            lines.add("  - {namespace: meshlens, name: meshlens-exporter-" + NODES[i].charAt(5) + ", ip: " + EXPORTER_IPS[i]
                    + ", node: " + NODES[i] + ", labels: {app.kubernetes.io/name: meshlens-exporter},"
                    + " owners: [{kind: DaemonSet, name: meshlens-exporter}]}");
        }
        Files.writeString(inventory, String.join("\n", lines) + "\n");
        // Like a DaemonSet's pods: one port, one IP per node.
        RunningExporter first = ExporterServer.start(exporter(inventory, 0, new InetSocketAddress(EXPORTER_IPS[0], 0)));
        exporters.add(first);
        for (int i = 1; i < NODES.length; i++) {
            exporters.add(ExporterServer.start(exporter(inventory, i, new InetSocketAddress(EXPORTER_IPS[i], first.port()))));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> exporters.stream().allMatch(RunningExporter::isReady));
        bot.get("http://web-a/ok", 200, WEB_A_OK);
        bot.get("http://web-a/status/503", 503, WEB_A_FAILED);
        bot.get("http://web-b/ok", 200, WEB_B_OK);
        bot.get("http://api/ok", 200, API_OK);
    }

    private static ExporterConfig exporter(Path inventory, int node, InetSocketAddress listen) {
        // A scrape that times out on a busy machine drops a pod from that cycle's window; a
        // generous timeout keeps the counts whole (this test is about merging, not scraping).
        return Exporters.config().inventory(inventory).nodeName(NODES[node]).listen(listen)
                .scrapeInterval(Duration.ofSeconds(2)).scrapeTimeout(Duration.ofSeconds(2)).build();
    }

    private static String pod(String name, FakePod p, String node, String deployment) {
        return "  - {namespace: shop, name: " + name + ", ip: " + p.ip + ", node: " + node + ", meshed: true, adminPort: "
                + p.adminPort() + ", owners: [{kind: Deployment, name: " + deployment + "}]}";
    }

    @AfterAll
    static void stop() {
        exporters.forEach(RunningExporter::close);
        for (FakePod p : new FakePod[] {webA, webB, api, bot}) {
            if (p != null) {
                p.close();
            }
        }
    }

    private static JsonNode getAt(int i, String pathAndQuery) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + EXPORTER_IPS[i] + ":" + exporters.get(i).port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static Map<String, Long> requestsByName(JsonNode answer, String nameField) {
        Map<String, Long> out = new HashMap<>();
        answer.get("rows").forEach(r -> out.merge(r.get(nameField).asText(), r.get("requests").asLong(), Long::sum));
        return out;
    }

    /** Inbound requests per workload in one exporter's own shard: its node's share only. */
    private static Map<String, Long> shardInbound(int i) throws Exception {
        Map<String, Long> out = new HashMap<>();
        for (JsonNode t : getAt(i, "/api/v1/shard?window=5m").get("traffic")) {
            if ("inbound".equals(t.get("direction").asText())) {
                out.merge(t.get("reporter_workload").asText(), t.get("success").asLong() + t.get("failure").asLong(), Long::sum);
            }
        }
        return out;
    }

    @Test
    @Order(1)
    void everyExporterAnswersForTheWholeClusterExactlyTheSumOfTheShards() throws Exception {
        Map<String, Long> sent = Map.of("web", (long) WEB_A_OK + WEB_A_FAILED + WEB_B_OK, "api", (long) API_OK);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> sumOfShardsThroughEveryExporter(sent));
    }

    private static void sumOfShardsThroughEveryExporter(Map<String, Long> sent) throws Exception {
        Map<String, Long> sumOfShards = new HashMap<>();
        for (int i = 0; i < NODES.length; i++) {
            Map<String, Long> own = shardInbound(i);
            assertThat(own).as("each shard holds its node's share only").isNotEqualTo(sent);
            own.forEach((k, v) -> sumOfShards.merge(k, v, Long::sum));
        }
        assertThat(sumOfShards).isEqualTo(sent);
        for (int i = 0; i < NODES.length; i++) {
            JsonNode stat = getAt(i, "/api/v1/stat?resource=deploy&namespace=shop&window=5m");
            assertThat(stat.get("exporters").asInt()).isEqualTo(3);
            assertThat(stat.get("partial").asBoolean()).isFalse();
            assertThat(stat.get("missing")).isEmpty();
            JsonNode web = row(stat, "name", "web");
            assertThat(web.get("success_rate").asDouble()).isEqualTo((double) (WEB_A_OK + WEB_B_OK) / sent.get("web"));
            assertThat(web.get("meshed_pods").asInt()).isEqualTo(2);

            JsonNode edges = getAt(i, "/api/v1/edges?namespace=shop&window=5m");
            assertThat(requestsByName(edges, "dst_workload")).isEqualTo(sent);
            assertThat(edges.get("rows")).allSatisfy(r -> assertThat(r.get("src_workload").asText()).isEqualTo("bot"));

            JsonNode routes = getAt(i, "/api/v1/routes?namespace=shop&resource=deploy&name=web&window=5m");
            assertThat(requestsByName(routes, "authority")).isEqualTo(Map.of("web-a:80", (long) WEB_A_OK + WEB_A_FAILED,
                    "web-b:80", (long) WEB_B_OK));
            JsonNode botRoutes = getAt(i, "/api/v1/routes?namespace=shop&resource=deploy&name=bot&window=5m");
            assertThat(botRoutes.get("rows").findValuesAsText("requests").stream().mapToLong(Long::parseLong).sum())
                    .isEqualTo(sent.get("web") + sent.get("api"));

            JsonNode proxies = getAt(i, "/api/v1/proxies");
            assertThat(proxies.get("proxies").findValuesAsText("pod")).containsExactly("api-c", "bot-a", "web-a", "web-b");
            assertThat(proxies.get("proxies")).allSatisfy(p -> assertThat(p.get("up").asBoolean()).isTrue());
            JsonNode version = getAt(i, "/api/v1/version");
            assertThat(version.get("proxies").get("0.1.0").asInt()).isEqualTo(4);
        }
    }

    @Test
    @Order(2)
    void anAnswerWithoutAPeerSaysWhichNodeIsMissing() throws Exception {
        exporters.get(2).close();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(ClusterWideLiveApiTest::nodeCIsMissing);
    }

    private static void nodeCIsMissing() throws Exception {
        JsonNode stat = getAt(0, "/api/v1/stat?resource=deploy&namespace=shop&window=5m");
        assertThat(stat.get("partial").asBoolean()).isTrue();
        assertThat(stat.get("exporters").asInt()).isEqualTo(2);
        assertThat(stat.get("missing")).singleElement().satisfies(m -> {
            assertThat(m.get("node").asText()).isEqualTo("node-c");
            assertThat(m.get("exporter").asText()).isEqualTo("meshlens/meshlens-exporter-c");
            assertThat(m.get("error").asText()).startsWith(EXPORTER_IPS[2] + ":");
        });
        assertThat(requestsByName(stat, "name")).containsEntry("web", (long) WEB_A_OK + WEB_A_FAILED + WEB_B_OK)
                .containsEntry("api", 0L);
        JsonNode apiProxy = row(getAt(1, "/api/v1/proxies"), "pod", "api-c", "proxies");
        assertThat(apiProxy.get("up").asBoolean()).isFalse();
        assertThat(apiProxy.get("last_error").asText()).contains("node-c");
    }

    private static JsonNode row(JsonNode answer, String field, String value) {
        return row(answer, field, value, "rows");
    }

    private static JsonNode row(JsonNode answer, String field, String value, String list) {
        for (JsonNode r : answer.get(list)) {
            if (value.equals(r.get(field).asText())) {
                return r;
            }
        }
        throw new AssertionError("no row with " + field + "=" + value + " in " + answer);
    }
}
