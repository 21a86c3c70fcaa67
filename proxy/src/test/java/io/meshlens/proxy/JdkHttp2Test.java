package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.H2App;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;

/**
 * The JDK HttpClient asking for HTTP/2 on {@code http://} URIs, which it does with
 * {@code Upgrade: h2c}: by default the proxy keeps such exchanges on HTTP/1.1 (safe for every
 * app); with {@code MESHLENS_H2C_UPGRADE} on, the connection really becomes HTTP/2.
 */
class JdkHttp2Test {
    private final HttpClient http2Client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    @Test
    void upgradeIsIgnoredByDefaultAndTheExchangeStaysHttp1() throws Exception {
        Backend app = closeLater(new Backend());
        RunningProxy proxy = closeLater(ProxyServer.start(Proxies.config(app.address()).build()));
        int n = 20;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = http2Client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.inboundPorts().get(0) + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        }
        PromText m = Proxies.scrapeOnceRecorded(proxy, Map.of("direction", "inbound"), n);
        assertThat(m.sum("meshlens_responses_total", Map.of("direction", "inbound", "protocol", "http1",
                "status_code", "200", "error", ""))).isEqualTo(n);
        assertThat(m.sum("meshlens_requests_total", Map.of("protocol", "http2"))).isZero();
        assertThat(app.requests.get()).isEqualTo(n);
    }

    @Test
    void h2cUpgradeCarriesMultiplexedHttp2InboundAndOutbound() throws Exception {
        H2App app = closeLater(new H2App());
        RunningProxy proxy = closeLater(ProxyServer.start(Proxies.config(app.address()).h2cUpgrade(true)
                .name("app.test", app.address()).build()));
        int n = 40;
        List<CompletableFuture<HttpResponse<String>>> inbound = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> outbound = new ArrayList<>();
        // The first request of each connection upgrades; the rest multiplex on it.
        sendAll(n, "http://127.0.0.1:" + proxy.inboundPorts().get(0) + "/in", inbound);
        // app.test resolves to 127.0.0.1 (test hosts file): the request reaches the outbound
        // listener with :authority app.test:<port>, which the name map sends to the app.
        String outboundBase = "http://app.test:" + proxy.outboundPort();
        sendAll(n, outboundBase + "/out", outbound);
        for (var f : inbound) {
            assertThat(f.join().statusCode()).isEqualTo(200);
            assertThat(f.join().version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(f.join().body()).isEqualTo("ok");
        }
        for (var f : outbound) {
            assertThat(f.join().statusCode()).isEqualTo(200);
            assertThat(f.join().version()).isEqualTo(HttpClient.Version.HTTP_2);
        }
        PromText m = Proxies.scrapeOnceRecorded(proxy, Map.of("protocol", "http2"), 2L * n);
        assertThat(m.sum("meshlens_responses_total", Map.of("direction", "inbound", "protocol", "http2",
                "status_code", "200", "classification", "success", "error", ""))).isEqualTo(n);
        assertThat(m.sum("meshlens_response_latency_seconds_count", Map.of("direction", "inbound", "protocol", "http2")))
                .isEqualTo(n);
        assertThat(m.sum("meshlens_responses_total", Map.of("direction", "outbound", "protocol", "http2",
                "authority", "app.test:" + proxy.outboundPort(), "status_code", "200", "error", ""))).isEqualTo(n);
        assertThat(m.sum("meshlens_requests_total", Map.of("protocol", "http1"))).isZero();
    }

    @Test
    void requestWithBodyIsNotUpgradedButStillServed() throws Exception {
        Backend app = closeLater(new Backend());
        RunningProxy proxy = closeLater(ProxyServer.start(Proxies.config(app.address()).h2cUpgrade(true).build()));
        HttpResponse<String> r = http2Client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.inboundPorts().get(0) + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("payload")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("payload");
        assertThat(Proxies.scrape(proxy).sum("meshlens_responses_total", Map.of("protocol", "http1",
                "status_code", "200"))).isEqualTo(1);
    }

    private void sendAll(int n, String url, List<CompletableFuture<HttpResponse<String>>> into) {
        // One request first so that the upgrade happens once, then the rest concurrently.
        into.add(CompletableFuture.completedFuture(http2Client.sendAsync(
                HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).join()));
        for (int i = 1; i < n; i++) {
            into.add(http2Client.sendAsync(HttpRequest.newBuilder(URI.create(url + "/" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }
}
