package io.meshlens.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import io.meshlens.exporter.scrape.ProtobufPage;
import io.meshlens.exporter.testing.Exporters;
import io.meshlens.exporter.testing.FakePod;
import io.meshlens.proxy.testing.PromText;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;

/**
 * Proxies that misbehave (garbage, text instead of protobuf, a page past the size limit, 100,000
 * series, an error status, a hang, nothing listening) are each marked down with their reason,
 * counted, and never disturb the healthy proxy next to them.
 */
class BadTargetsTest {
    @TempDir
    static Path dir;
    static final List<HttpServer> servers = new ArrayList<>();
    static final CountDownLatch release = new CountDownLatch(1);
    static FakePod good;
    static RunningExporter exporter;

    private static int serve(String ip, HttpHandler h) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(ip, 0), 16);
        s.setExecutor(Executors.newCachedThreadPool());
        s.createContext("/metrics", h);
        s.start();
        servers.add(s);
        return s.getAddress().getPort();
    }

    private static HttpHandler body(int status, String type, byte[] body) {
        return x -> {
            x.getResponseHeaders().set("Content-Type", type);
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
            x.close();
        };
    }

    private static byte[] manySeries(int n) throws IOException {
        Metrics.MetricFamily.Builder f = Metrics.MetricFamily.newBuilder().setName("flood_total").setType(Metrics.MetricType.COUNTER);
        for (int i = 0; i < n; i++) {
            f.addMetric(Metrics.Metric.newBuilder().addLabel(Metrics.LabelPair.newBuilder().setName("i").setValue(Integer.toString(i)))
                    .setCounter(Metrics.Counter.newBuilder().setValue(i)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.build().writeDelimitedTo(out);
        return out.toByteArray();
    }

    @BeforeAll
    static void start() throws Exception {
        good = FakePod.start("127.0.1.40", Map.of());
        byte[] garbage = new byte[4096];
        new Random(3).nextBytes(garbage);
        Map<String, Integer> bad = new java.util.LinkedHashMap<>();
        bad.put("garbage", serve("127.0.1.41", body(200, ProtobufPage.ACCEPT, garbage)));
        bad.put("text", serve("127.0.1.42", body(200, "text/plain; version=0.0.4", "up 1\n".getBytes())));
        bad.put("huge", serve("127.0.1.43", x -> {
            x.getResponseHeaders().set("Content-Type", ProtobufPage.ACCEPT);
            x.sendResponseHeaders(200, 0); // chunked: the size is only known while reading
            try (OutputStream os = x.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 128; i++) { // 8 MiB
                    os.write(chunk);
                }
            } catch (IOException expected) {
                // the exporter hung up once it had seen enough
            }
        }));
        bad.put("flood", serve("127.0.1.44", body(200, ProtobufPage.ACCEPT, manySeries(100_000))));
        bad.put("error", serve("127.0.1.45", body(503, "text/plain", "busy".getBytes())));
        bad.put("hang", serve("127.0.1.46", x -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
        }));
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.1.47"))) {
            closedPort = s.getLocalPort();
        }
        bad.put("refused", closedPort);
        StringBuilder inv = new StringBuilder("pods:\n");
        inv.append("  - {namespace: t, name: good, ip: 127.0.1.40, meshed: true, adminPort: ").append(good.adminPort()).append("}\n");
        int ip = 41;
        for (var e : bad.entrySet()) {
            inv.append("  - {namespace: t, name: ").append(e.getKey()).append(", ip: 127.0.1.").append(ip++)
                    .append(", meshed: true, adminPort: ").append(e.getValue()).append("}\n");
        }
        Path f = dir.resolve("inventory.yaml");
        Files.writeString(f, inv.toString());
        exporter = ExporterServer.start(Exporters.config().inventory(f).maxPageBytes(4 * 1024 * 1024).maxSeriesPerTarget(10_000)
                .scrapeInterval(Duration.ofMillis(700)).scrapeTimeout(Duration.ofMillis(600)).build());
    }

    @AfterAll
    static void stop() {
        release.countDown();
        if (exporter != null) {
            exporter.close();
        }
        servers.forEach(s -> s.stop(0));
        if (good != null) {
            good.close();
        }
    }

    @Test
    void eachBadTargetIsDownWithItsReasonAndTheGoodOneIsUnaffected() throws Exception {
        Map<String, String> reasons = Map.of("garbage", "parse", "text", "parse", "huge", "too_large",
                "flood", "too_many_series", "error", "http_status", "hang", "timeout", "refused", "connect");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode proxies = new ObjectMapper().readTree(Exporters.get(exporter, "/api/v1/proxies").body()).get("proxies");
            for (JsonNode p : proxies) {
                String name = p.get("pod").asText();
                if (name.equals("good")) {
                    assertThat(p.get("up").asBoolean()).isTrue();
                } else {
                    assertThat(p.get("up").asBoolean()).as(name).isFalse();
                    assertThat(p.get("last_error").asText()).as(name).startsWith(reasons.get(name) + ":");
                }
            }
            PromText m = Exporters.scrape(exporter);
            for (String reason : reasons.values()) {
                assertThat(m.sum("meshlens_exporter_scrape_errors_total", Map.of("reason", reason))).as(reason).isGreaterThanOrEqualTo(1);
            }
        });
        PromText m = Exporters.scrape(exporter);
        assertThat(m.sum("meshlens_exporter_target_up", Map.of("pod", "good"))).isEqualTo(1);
        assertThat(m.sum("meshlens_exporter_target_up", Map.of("pod", "flood"))).isZero();
        assertThat(m.sum("meshlens_proxy_info", Map.of("pod", "good"))).isEqualTo(1);
        assertThat(m.named("flood_total")).isEmpty(); // nothing of a capped page leaks through
        assertThat(m.sum("meshlens_exporter_series", Map.of("stage", "out"))).isLessThan(10_000);
    }
}
