package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.Proxies;

/** /tap streams req/rsp/end events, filters them, never leaks secrets, drops (counted) instead of blocking. */
class TapTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Backend app;
    private RunningProxy proxy;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        app = new Backend();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        app.close();
    }

    private HttpResponse<Stream<String>> tap(String query, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + "/tap" + query));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()).get(20, TimeUnit.SECONDS);
    }

    private List<JsonNode> take(Iterator<String> lines, int n) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
            while (out.size() < n && lines.hasNext()) {
                try {
                    out.add(JSON.readTree(lines.next()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        f.get(20, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void streamsFilteredEventsWithoutSecrets() throws Exception {
        proxy = ProxyServer.start(Proxies.config(app.address()).build());
        HttpResponse<Stream<String>> tap = tap("?direction=inbound&path=/tapme", null);
        assertThat(tap.statusCode()).isEqualTo(200);
        assertThat(tap.headers().firstValue("content-type")).hasValue("application/x-ndjson");
        Iterator<String> lines = tap.body().iterator();
        String base = "http://127.0.0.1:" + proxy.inboundPorts().get(0);
        client.send(HttpRequest.newBuilder(URI.create(base + "/other")).build(), HttpResponse.BodyHandlers.ofString());
        client.send(HttpRequest.newBuilder(URI.create(base + "/tapme/status/503?token=s3cr3t"))
                .header("Authorization", "Bearer hunter2").header("Cookie", "session=hunter3").build(),
                HttpResponse.BodyHandlers.ofString());
        List<JsonNode> ev = take(lines, 3);
        assertThat(ev).extracting(e -> e.get("type").asText()).containsExactly("req", "rsp", "end");
        String id = ev.get(0).get("id").asText();
        assertThat(id).matches("[1-9][0-9]{0,5}"); // a short per-proxy counter (no pod name configured)
        assertThat(ev).allSatisfy(e -> {
            assertThat(e.get("id").asText()).isEqualTo(id);
            assertThat(e.get("direction").asText()).isEqualTo("inbound");
            assertThat(e.get("path").asText()).isEqualTo("/tapme/status/503");
            assertThat(e.get("method").asText()).isEqualTo("GET");
            assertThat(e.get("src").asText()).startsWith("127.0.0.1:");
            // every event names the upstream (the request event used to name the listener)
            assertThat(e.get("dst").asText()).isEqualTo("127.0.0.1:" + app.port());
            assertThat(e.toString()).doesNotContain("hunter2", "hunter3", "s3cr3t", "uthorization", "ookie");
        });
        assertThat(ev.get(1).get("status_code").asInt()).isEqualTo(503);
        assertThat(ev.get(1).get("latency_seconds").asDouble()).isPositive();
        assertThat(ev.get(2).get("response_bytes").asLong()).isEqualTo("status 503\n".length());
        assertThat(ev.get(2).get("duration_seconds").asDouble()).isPositive();
        assertThat(ev.get(2).get("error").asText()).isEmpty();
    }

    @Test
    void statusFilterAndProxyErrors() throws Exception {
        proxy = ProxyServer.start(Proxies.config(app.address()).build());
        Iterator<String> lines = tap("?status=5xx", null).body().iterator();
        String out = "http://127.0.0.1:" + proxy.outboundPort();
        // outbound without a resolvable name: the proxy's own 502 is tapped as well
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.inboundPorts().get(0) + "/status/200")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpClient viaProxy = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(java.net.ProxySelector.of(new java.net.InetSocketAddress("127.0.0.1", proxy.outboundPort()))).build();
        viaProxy.send(HttpRequest.newBuilder(URI.create("http://nonexistent.invalid/x")).build(), HttpResponse.BodyHandlers.ofString());
        List<JsonNode> ev = take(lines, 2);
        assertThat(ev).extracting(e -> e.get("type").asText()).containsExactly("rsp", "end");
        assertThat(ev.get(0).get("status_code").asInt()).isEqualTo(502);
        assertThat(ev.get(1).get("error").asText()).isEqualTo("dns_failure");
        assertThat(ev.get(1).get("direction").asText()).isEqualTo("outbound");
        assertThat(out).isNotEmpty();
    }

    @Test
    void tokenRequiredWhenConfigured() throws Exception {
        proxy = ProxyServer.start(Proxies.config(app.address()).tapToken("t0k").build());
        assertThat(tap("", null).statusCode()).isEqualTo(401);
        assertThat(tap("", "wrong").statusCode()).isEqualTo(401);
        assertThat(tap("", "t0k").statusCode()).isEqualTo(200);
        assertThat(tap("?status=abc", "t0k").statusCode()).isEqualTo(400);
    }

    @Test
    void slowSubscriberDropsAreCountedAndNeverBlockTraffic() throws Exception {
        proxy = ProxyServer.start(Proxies.config(app.address()).tapQueueSize(1).build());
        HttpResponse<Stream<String>> tap = tap("", null); // never read
        assertThat(tap.statusCode()).isEqualTo(200);
        String base = "http://127.0.0.1:" + proxy.inboundPorts().get(0);
        List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            fs.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/x")).build(), HttpResponse.BodyHandlers.ofString()));
            if (fs.size() == 16) {
                for (var f : fs) {
                    assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                }
                fs.clear();
            }
        }
        for (var f : fs) {
            assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Proxies.scrape(proxy).sum("meshlens_tap_events_dropped_total", Map.of())).isPositive());
        tap.body().close();
    }
}
