package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;

/** HTTP/1.1 through real sockets: JDK HttpClient -> proxy -> JDK HttpServer; metrics parsed and compared. */
class Http1ProxyTest {
    private Backend app;
    private RunningProxy proxy;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        app = new Backend();
        proxy = ProxyServer.start(Proxies.config(app.address())
                .name("web", app.address())
                .sourceAddress(InetAddress.getByName("127.0.1.7"))
                .build());
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.close();
    }

    @Test
    void inboundCountsMatchClientPerStatusCode() throws Exception {
        int[] codes = {200, 201, 204, 404, 500, 503};
        Map<Integer, Integer> sent = new HashMap<>();
        Random rnd = new Random(42);
        String base = "http://127.0.0.1:" + proxy.inboundPorts().get(0);
        List<CompletableFuture<HttpResponse<String>>> inflight = new ArrayList<>();
        int n = 600;
        for (int i = 0; i < n; i++) {
            int code = codes[rnd.nextInt(codes.length)];
            inflight.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/status/" + code)).build(),
                    HttpResponse.BodyHandlers.ofString()));
            if (inflight.size() == 16) {
                for (var f : inflight) {
                    sent.merge(f.get().statusCode(), 1, Integer::sum);
                }
                inflight.clear();
            }
        }
        for (var f : inflight) {
            sent.merge(f.get().statusCode(), 1, Integer::sum);
        }
        assertThat(sent.keySet()).containsExactlyInAnyOrder(200, 201, 204, 404, 500, 503);

        Map<String, String> in = Map.of("direction", "inbound", "protocol", "http1", "peer", "127.0.0.1",
                "authority", "127.0.0.1:" + proxy.inboundPorts().get(0), "route", "default");
        PromText m = Proxies.scrapeOnceRecorded(proxy, in, n);
        assertThat(m.sum("meshlens_requests_total", in)).isEqualTo(n);
        double total = 0;
        for (var e : sent.entrySet()) {
            Map<String, String> labels = new HashMap<>(in);
            labels.put("status_code", e.getKey().toString());
            labels.put("error", "");
            labels.put("grpc_status", "");
            labels.put("classification", e.getKey() >= 500 ? "failure" : "success");
            assertThat(m.sum("meshlens_responses_total", labels)).as("status %s", e.getKey()).isEqualTo(e.getValue().doubleValue());
            total += e.getValue();
        }
        assertThat(m.sum("meshlens_responses_total", in)).isEqualTo(total);
        assertThat(m.sum("meshlens_response_latency_seconds_count", in)).isEqualTo(total);
        Map<String, String> fail = new HashMap<>(in);
        fail.put("classification", "failure");
        assertThat(m.sum("meshlens_response_latency_seconds_count", fail))
                .isEqualTo((double) (sent.get(500) + sent.get(503)));
        // 15 classic buckets including +Inf
        assertThat(m.named("meshlens_response_latency_seconds_bucket").stream()
                .filter(s -> s.labels().get("classification").equals("success")
                             && s.labels().get("direction").equals("inbound"))
                .count()).isEqualTo(15);
        assertThat(m.sum("meshlens_tcp_connections_opened_total", Map.of("direction", "inbound", "peer", "127.0.0.1")))
                .isGreaterThanOrEqualTo(1);
        assertThat(m.sum("meshlens_tcp_read_bytes_total", Map.of("direction", "inbound"))).isGreaterThan(n * 40);
        assertThat(m.sum("meshlens_proxy_info", Map.of("version", Version.VERSION))).isEqualTo(1);
        assertThat(app.requests.get()).isEqualTo(n);
    }

    @Test
    void outboundRoutesAbsoluteFormByNameAndBindsSourceAddress() throws Exception {
        HttpClient viaProxy = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.outboundPort()))).build();
        int n = 50;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = viaProxy.send(HttpRequest.newBuilder(URI.create("http://web/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok");
            assertThat(r.headers().firstValue("x-backend-peer")).hasValue("127.0.1.7");
            assertThat(r.headers().firstValue("x-backend-host")).hasValue("web");
        }
        Map<String, String> out = Map.of("direction", "outbound", "protocol", "http1", "authority", "web:80",
                "peer", "127.0.0.1", "route", "default");
        PromText m = Proxies.scrapeOnceRecorded(proxy, out, n);
        assertThat(m.sum("meshlens_requests_total", out)).isEqualTo(n);
        assertThat(m.sum("meshlens_responses_total", Map.of("direction", "outbound", "status_code", "200",
                "classification", "success", "error", ""))).isEqualTo(n);
        // keep-alive pooling: far fewer upstream connections than requests
        assertThat(m.sum("meshlens_tcp_connections_opened_total", Map.of("direction", "outbound", "peer", "127.0.0.1")))
                .isBetween(1.0, 5.0);
        assertThat(m.sum("meshlens_response_bytes_total", out)).isEqualTo(2.0 * n);
    }

    @Test
    void streamsLargeUploadAndDownload() throws Exception {
        String base = "http://127.0.0.1:" + proxy.inboundPorts().get(0);
        byte[] big = new byte[24 * 1024 * 1024];
        new Random(1).nextBytes(big);
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(big);
        long n = 50L * 1024 * 1024;
        HttpResponse<java.io.InputStream> d = client.send(HttpRequest.newBuilder(URI.create(base + "/bytes/" + n)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long got = 0;
        try (var in = d.body()) {
            byte[] buf = new byte[65536];
            for (int k; (k = in.read(buf)) > 0; ) {
                got += k;
            }
        }
        assertThat(got).isEqualTo(n);
        // The exchange is recorded when the proxy's last write completes, which can be just after
        // the client has read the last byte: wait for the record, then require exact counts.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            PromText m = Proxies.scrape(proxy);
            assertThat(m.sum("meshlens_request_bytes_total", Map.of("direction", "inbound"))).isEqualTo(big.length);
            assertThat(m.sum("meshlens_response_bytes_total", Map.of("direction", "inbound"))).isEqualTo(big.length + n);
        });
    }

    @Test
    void adminEndpoints() throws Exception {
        assertThat(Proxies.get(proxy, "/ready", null)).isEqualTo("ready\n");
        assertThat(Proxies.get(proxy, "/live", null)).isEqualTo("live\n");
        String om = Proxies.get(proxy, "/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(om).contains("# EOF");
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.adminPort() + "/shutdown")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }
}
