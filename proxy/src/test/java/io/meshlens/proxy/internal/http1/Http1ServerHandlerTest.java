package io.meshlens.proxy.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.PortMapping;
import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.internal.conn.Upstreams;
import io.meshlens.proxy.internal.http.HttpContext;
import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.meshlens.proxy.tap.Tap;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The HTTP/1 byte handler alone on an {@link EmbeddedChannel}: what it answers and records when
 * no upstream is involved (proxy errors, timeouts, the h2c hand-off). Forwarding through a real
 * upstream is covered by the proxy tests ({@code Http1BytePathTest} and others).
 */
class Http1ServerHandlerTest {
    private final ProxyConfig config = ProxyConfig.builder()
            .inbound(new PortMapping(Proxies.any(), new InetSocketAddress("127.0.0.1", 9)))
            .admin(Proxies.any())
            .headerReadTimeout(Duration.ofMillis(100))
            .build();
    private final ProxyMetrics metrics = new ProxyMetrics(config, "test");
    private final HttpContext http = new HttpContext(config, metrics, new Tap(metrics));
    private final List<Http2Headers> upgrades = new ArrayList<>();

    private EmbeddedChannel outboundConnection(boolean h2c) {
        EmbeddedChannel ch = new EmbeddedChannel();
        Listener outbound = new Listener(Direction.OUTBOUND, null, false, config.originalDestination());
        Http1UpstreamPool pool = new Http1UpstreamPool(new Upstreams(metrics, config.connectTimeout(), null),
                config.idleTimeout(), http::draining);
        H2cHandoff handoff = (ctx, settings, request) -> {
            upgrades.add(request);
            ctx.pipeline().remove(ctx.handler());
        };
        ch.pipeline().addLast(new Http1ServerHandler(http, pool, outbound, new ConnectionInfo(ch, ""), h2c ? handoff : null));
        return ch;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String readAll(EmbeddedChannel ch) {
        StringBuilder b = new StringBuilder();
        ByteBuf out;
        while ((out = ch.readOutbound()) != null) {
            b.append(out.toString(StandardCharsets.US_ASCII));
            out.release();
        }
        return b.toString();
    }

    @Test
    void requestWithoutAuthorityIsAnsweredNoRouteAndRecordedOnce() throws Exception {
        EmbeddedChannel ch = outboundConnection(false);
        ch.writeInbound(ascii("GET /x HTTP/1.1\r\n\r\n"));
        String rsp = readAll(ch);
        assertThat(rsp).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
                .contains("meshlens-proxy-error: no_route\r\n", "connection: close\r\n")
                .endsWith("meshlens proxy: no_route: request has no authority (Host)\n");
        assertThat(ch.isOpen()).isFalse();
        PromText m = Proxies.scrape(metrics);
        assertThat(m.sum("meshlens_responses_total", Map.of("direction", "outbound", "protocol", "http1",
                "status_code", "502", "error", "no_route"))).isEqualTo(1);
        assertThat(m.sum("meshlens_requests_total", Map.of("direction", "outbound"))).isEqualTo(1);
        assertThat(http.inFlight()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void malformedHeadIsA400ProtocolError() throws Exception {
        EmbeddedChannel ch = outboundConnection(false);
        ch.writeInbound(ascii("GET /x HTTP/1.1\r\nHost : web\r\n\r\n"));
        assertThat(readAll(ch)).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("meshlens-proxy-error: protocol_error");
        assertThat(Proxies.scrape(metrics).sum("meshlens_responses_total", Map.of("status_code", "400",
                "error", "protocol_error"))).isEqualTo(1);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void incompleteHeadTimesOutWith408() throws Exception {
        EmbeddedChannel ch = outboundConnection(false);
        ch.writeInbound(ascii("GET /slow HTTP/1.1\r\nHost: web\r\n"));
        assertThat(readAll(ch)).isEmpty();
        StringBuilder out = new StringBuilder();
        // the deadline compares with the real clock: the embedded loop's tasks run until it passed
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            out.append(readAll(ch));
            assertThat(out).isNotEmpty();
        });
        assertThat(out.toString()).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("meshlens-proxy-error: request_timeout");
        assertThat(ch.isOpen()).isFalse();
        assertThat(Proxies.scrape(metrics).sum("meshlens_responses_total", Map.of("status_code", "408",
                "error", "request_timeout", "authority", ""))).isEqualTo(1);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void h2cUpgradeAnswers101AndHandsTheRequestOverAsStream1() {
        EmbeddedChannel ch = outboundConnection(true);
        String settings = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(new byte[] {0, 3, 0, 0, 0, 100}); // MAX_CONCURRENT_STREAMS 100
        ch.writeInbound(ascii("GET /up?q=1 HTTP/1.1\r\nHost: Web:8080\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: " + settings + "\r\nX-Trace: 7\r\n\r\nPRI"));
        assertThat(readAll(ch)).isEqualTo("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
        assertThat(upgrades).hasSize(1);
        Http2Headers h = upgrades.get(0);
        assertThat(h.method().toString()).isEqualTo("GET");
        assertThat(h.path().toString()).isEqualTo("/up?q=1");
        assertThat(h.authority().toString()).isEqualTo("Web:8080");
        assertThat(h.get("x-trace").toString()).isEqualTo("7");
        assertThat(h.contains("connection")).isFalse();
        assertThat(h.contains("upgrade")).isFalse();
        assertThat(h.contains("http2-settings")).isFalse();
        ByteBuf rest = ch.readInbound(); // what followed the upgrade request went on down the pipeline
        assertThat(rest.toString(StandardCharsets.US_ASCII)).isEqualTo("PRI");
        rest.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void upgradeWithABodyStaysOnHttp1() {
        Http2Settings s = H2cUpgrade.decodeSettings("AAMAAABk");
        assertThat(s.maxConcurrentStreams()).isEqualTo(100L);
        assertThat(H2cUpgrade.decodeSettings("AAMAAA")).isNull(); // not a multiple of 6 bytes
        EmbeddedChannel ch = outboundConnection(true);
        ch.writeInbound(ascii("POST /up HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: AAMAAABk\r\nContent-Length: 2\r\n\r\nhi"));
        assertThat(upgrades).isEmpty();
        assertThat(readAll(ch)).startsWith("HTTP/1.1 502 ").contains("no_route"); // no Host: an HTTP/1 answer
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
