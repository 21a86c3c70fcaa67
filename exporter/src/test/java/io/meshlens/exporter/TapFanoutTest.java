package io.meshlens.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.exporter.testing.Exporters;
import io.meshlens.exporter.testing.FakePod;

/** {@code /api/v1/tap} merges the live requests of every pod of a workload and names both sides. */
class TapFanoutTest {
    @TempDir
    Path dir;
    FakePod web1;
    FakePod web2;
    FakePod bot;
    RunningExporter exporter;

    @BeforeEach
    void start() throws Exception {
        web1 = FakePod.start("127.0.1.71", Map.of());
        web2 = FakePod.start("127.0.1.72", Map.of());
        bot = FakePod.start("127.0.1.73", Map.of("web-1", web1.inbound(), "web-2", web2.inbound()));
        Path inv = dir.resolve("inv.yaml");
        Files.writeString(inv, String.join("\n", "pods:",
                "  - {namespace: t, name: web-a, ip: 127.0.1.71, meshed: true, adminPort: " + web1.adminPort()
                        + ", owners: [{kind: Deployment, name: web}]}",
                "  - {namespace: t, name: web-b, ip: 127.0.1.72, meshed: true, adminPort: " + web2.adminPort()
                        + ", owners: [{kind: Deployment, name: web}]}",
                "  - {namespace: t, name: bot-a, ip: 127.0.1.73, meshed: true, adminPort: " + bot.adminPort()
                        + ", owners: [{kind: Deployment, name: vote-bot}]}", ""));
        exporter = ExporterServer.start(Exporters.config().inventory(inv).build());
        await().atMost(Duration.ofSeconds(10)).until(exporter::isReady);
    }

    @AfterEach
    void stop() {
        exporter.close();
        web1.close();
        web2.close();
        bot.close();
    }

    @Test
    void eventsOfEveryPodArriveWithWorkloadIdentityAndNoSecrets() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> tap = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.1.250:" + exporter.port() + "/api/v1/tap?namespace=t&resource=deploy&name=web&direction=inbound"))
                .build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(tap.statusCode()).isEqualTo(200);
        assertThat(tap.headers().firstValue("content-type")).hasValue("application/x-ndjson");
        Thread reader = new Thread(() -> {
            try {
                tap.body().forEach(lines::add);
            } catch (java.io.UncheckedIOException closedByTheTest) {
                // the test closes the stream once it has seen enough
            }
        });
        reader.setDaemon(true);
        reader.start();

        HttpClient viaBot = HttpClient.newBuilder().proxy(ProxySelector.of(bot.outbound())).build();
        ObjectMapper json = new ObjectMapper();
        Set<String> podsSeen = new HashSet<>();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (String target : List.of("http://web-1/vote?secret=query-token", "http://web-2/status/503")) {
                viaBot.send(HttpRequest.newBuilder(URI.create(target)).header("Authorization", "Bearer very-secret-token")
                        .header("Cookie", "session=cookie-secret").build(), HttpResponse.BodyHandlers.discarding());
            }
            for (String l : lines) {
                if (!l.isBlank()) {
                    JsonNode e = json.readTree(l);
                    if ("end".equals(e.path("type").asText())) {
                        podsSeen.add(e.get("pod").asText());
                    }
                }
            }
            assertThat(podsSeen).containsExactlyInAnyOrder("web-a", "web-b");
        });
        tap.body().close();
        JsonNode failed = lines.stream().filter(l -> l.contains("\"rsp\"") && l.contains("503")).map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).findFirst().orElseThrow();
        assertThat(failed.get("workload").asText()).isEqualTo("web");
        assertThat(failed.get("src_workload").asText()).isEqualTo("vote-bot");
        assertThat(failed.get("src_kind").asText()).isEqualTo("deployment");
        assertThat(failed.get("dst_workload").asText()).isEqualTo("web");
        assertThat(failed.get("status_code").asInt()).isEqualTo(503);
        assertThat(failed.get("path").asText()).isEqualTo("/status/503");
        assertThat(String.join("\n", lines)).doesNotContain("very-secret-token").doesNotContain("cookie-secret")
                .doesNotContain("query-token");
    }

    @Test
    void tapOfAnUnknownWorkloadIsA404WithAReason() throws Exception {
        HttpResponse<String> r = Exporters.get(exporter, "/api/v1/tap?namespace=t&resource=deploy&name=nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("deployment/nope does not exist in namespace t");
    }
}
