package io.meshlens.proxy.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.PortMapping;
import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.meshlens.proxy.tap.Tap;
import io.meshlens.proxy.tap.TapSource;
import io.meshlens.proxy.testing.Proxies;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;

/** The admin endpoints on an {@link EmbeddedChannel}, from a loopback and from a remote caller. */
class AdminHandlerTest {
    private final ProxyConfig config = ProxyConfig.builder()
            .inbound(new PortMapping(Proxies.any(), new InetSocketAddress("127.0.0.1", 9)))
            .admin(Proxies.any())
            .build();
    private final ProxyMetrics metrics = new ProxyMetrics(config, "test");
    private final Tap tap = new Tap(metrics, "web-7d9f");
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicInteger shutdowns = new AtomicInteger();
    private final AdminHandler handler = new AdminHandler(metrics.registry(), ready::get, shutdowns::incrementAndGet,
            tap, "", 16, 2);

    private EmbeddedChannel from(String ip) {
        EmbeddedChannel ch = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress(ip, 40000);
            }
        };
        ch.pipeline().addLast(handler);
        return ch;
    }

    private static FullHttpResponse call(EmbeddedChannel ch, HttpMethod method, String uri) {
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
        return ch.readOutbound();
    }

    private static String body(FullHttpResponse r) {
        try {
            return r.status().code() + " " + r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    @Test
    void probesMetricsAndShutdown() {
        EmbeddedChannel local = from("127.0.0.1");
        assertThat(body(call(local, HttpMethod.GET, "/live"))).isEqualTo("200 live\n");
        assertThat(body(call(local, HttpMethod.GET, "/ready"))).isEqualTo("503 not ready\n");
        ready.set(true);
        assertThat(body(call(local, HttpMethod.GET, "/ready"))).isEqualTo("200 ready\n");
        FullHttpResponse m = call(local, HttpMethod.GET, "/metrics");
        assertThat(m.headers().get("content-type")).startsWith("text/plain");
        assertThat(body(m)).startsWith("200 ").contains("meshlens_tap_events_dropped_total");
        assertThat(body(call(local, HttpMethod.GET, "/nope"))).startsWith("404 ");
        assertThat(body(call(local, HttpMethod.GET, "/shutdown"))).startsWith("405 ");
        EmbeddedChannel remote = from("10.0.0.9");
        assertThat(body(call(remote, HttpMethod.POST, "/shutdown"))).startsWith("403 ");
        assertThat(shutdowns).hasValue(0);
        assertThat(body(call(local, HttpMethod.POST, "/shutdown"))).isEqualTo("202 shutting down\n");
        assertThat(shutdowns).hasValue(1);
        assertThat(local.finishAndReleaseAll()).isFalse();
        assertThat(remote.finishAndReleaseAll()).isFalse();
    }

    @Test
    void tapStreamsEventsWithShortIdsToLoopbackOnly() {
        EmbeddedChannel remote = from("10.0.0.9");
        assertThat(body(call(remote, HttpMethod.GET, "/tap"))).startsWith("401 ");
        EmbeddedChannel local = from("127.0.0.1");
        local.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/tap?direction=inbound"));
        HttpResponse head = local.readOutbound();
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.headers().get("content-type")).isEqualTo("application/x-ndjson");
        assertThat(tap.subscriberCount()).isEqualTo(1);
        tap.request(new Event(42));
        tap.end(new Event(42));
        local.advanceTimeBy(25, TimeUnit.MILLISECONDS);
        local.runScheduledPendingTasks();
        HttpContent chunk = local.readOutbound();
        String lines = chunk.content().toString(StandardCharsets.UTF_8);
        chunk.release();
        assertThat(lines.split("\n")).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("\"id\":\"web-7d9f:42\"", "\"direction\":\"inbound\""));
        local.close();
        assertThat(tap.subscriberCount()).isZero();
        assertThat(local.finishAndReleaseAll()).isFalse();
        assertThat(remote.finishAndReleaseAll()).isFalse();
    }

    private record Event(long tapId) implements TapSource {
        @Override public Direction direction() { return Direction.INBOUND; }
        @Override public String src() { return "10.0.0.1:5000"; }
        @Override public String dst() { return "127.0.0.1:8080"; }
        @Override public String method() { return "GET"; }
        @Override public String authority() { return "web:80"; }
        @Override public String path() { return "/"; }
        @Override public int statusCode() { return 200; }
        @Override public int grpcStatus() { return -1; }
        @Override public long latencyNanos() { return 1000; }
        @Override public long durationNanos() { return 2000; }
        @Override public long responseBytes() { return 2; }
        @Override public ProxyError error() { return ProxyError.NONE; }
    }
}
