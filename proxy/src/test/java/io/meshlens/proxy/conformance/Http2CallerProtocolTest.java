package io.meshlens.proxy.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshlens.proxy.ProxyServer;
import io.meshlens.proxy.RunningProxy;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.meshlens.proxy.testing.ScriptedH2Server;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * What an HTTP/2 caller may and may not do to the proxy's inbound listener (RFC 9113), frame by
 * frame: malformed requests are refused at the proxy, resets and GOAWAYs are handled as the RFC
 * says, and the header-list limit ends the connection where the docs say it does.
 */
class Http2CallerProtocolTest {
    private ScriptedH2Server app;
    private RunningProxy proxy;
    private RawH2Client client;

    @BeforeEach
    void start() throws Exception {
        app = new ScriptedH2Server(0);
        proxy = ProxyServer.start(Proxies.config(app.address()).build());
        client = new RawH2Client(proxy.inboundPorts().get(0));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        proxy.close();
        app.close();
    }

    private static Http2Headers get(String path) {
        return new DefaultHttp2Headers().method("GET").scheme("http").authority("app").path(path);
    }

    private double inbound(String metric, Map<String, String> labels) throws Exception {
        PromText m = Proxies.scrape(proxy);
        return m.sum(metric, s -> "inbound".equals(s.labels().get("direction"))
                && labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {":method", ":scheme", ":path", "unknown pseudo-header", "empty :path"})
    void malformedRequestIsRefusedAtTheProxyAndBlamedOnTheCaller(String flaw) throws Exception {
        Http2Headers h = new DefaultHttp2Headers(false);
        switch (flaw) {
            case ":method" -> h.scheme("http").authority("app").path("/");
            case ":scheme" -> h.method("GET").authority("app").path("/");
            case ":path" -> h.method("GET").scheme("http").authority("app");
            case "unknown pseudo-header" -> h.method("GET").scheme("http").authority("app").path("/").add(":bogus", "1");
            default -> h.method("GET").scheme("http").authority("app").path("");
        }
        client.headers(1, h, true);

        RawH2Client.Frame answer = client.next(10, TimeUnit.SECONDS);
        assertThat(answer).as("a stream error PROTOCOL_ERROR or a 400").satisfiesAnyOf(
                f -> assertThat(f.type() + " " + f.errorCode()).isEqualTo("RST_STREAM " + Http2Error.PROTOCOL_ERROR.code()),
                f -> assertThat(f.type() + " " + (f.headers() == null ? "" : f.headers().status())).isEqualTo("HEADERS 400"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(inbound("meshlens_responses_total", Map.of("error", "protocol_error"))).isEqualTo(1.0));
        assertThat(inbound("meshlens_responses_total", Map.of("error", "upstream_reset"))).isZero();
        assertThat(app.connections.get()).as("nothing reached the app").isZero();
    }

    @Test
    void callersResetGoesUpstreamAndIsNotAnsweredWithAReset() throws Exception {
        client.headers(1, get("/hang"), true);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.active.get() == 1);
        client.rstStream(1, Http2Error.CANCEL.code());

        await().atMost(Duration.ofSeconds(10)).until(() -> app.resetsReceived.contains(Http2Error.CANCEL.code()));
        List<RawH2Client.Frame> after = client.framesUntilPingAck();
        assertThat(after).as("frames the proxy sent after the caller's RST_STREAM (RFC 9113 5.4.2)")
                .noneMatch(f -> f.type().equals("RST_STREAM"));
        assertThat(inbound("meshlens_responses_total", Map.of("error", "downstream_reset"))).isEqualTo(1.0);
    }

    @Test
    void callersGoAwayOnAnIdleConnectionClosesIt() throws Exception {
        client.goAway(0, Http2Error.NO_ERROR.code());
        assertThat(framesUntilClosed()).last().isEqualTo(RawH2Client.CLOSED);
    }

    @Test
    void callersGoAwayLetsInFlightStreamsFinishThenCloses() throws Exception {
        client.headers(1, get("/slow"), true);
        client.goAway(0, Http2Error.NO_ERROR.code());
        List<RawH2Client.Frame> frames = framesUntilClosed();
        assertThat(frames).as("the in-flight response arrives before the close")
                .anyMatch(f -> f.type().equals("DATA") && f.streamId() == 1 && f.endStream());
        assertThat(frames).last().isEqualTo(RawH2Client.CLOSED);
    }

    @Test
    void headersOnAHalfClosedStreamIsAStreamClosedError() throws Exception {
        client.headers(1, get("/hang"), true);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.active.get() == 1);
        client.headers(1, get("/hang"), true);
        assertThat(client.next(10, TimeUnit.SECONDS)).as("RST_STREAM or GOAWAY with STREAM_CLOSED")
                .satisfiesAnyOf(
                        f -> assertThat(f.type() + " " + f.errorCode()).isEqualTo("RST_STREAM " + Http2Error.STREAM_CLOSED.code()),
                        f -> assertThat(f.type() + " " + f.errorCode()).isEqualTo("GOAWAY " + Http2Error.STREAM_CLOSED.code()));
    }

    @Test
    void headersOnAClosedStreamIsAConnectionError() throws Exception {
        client.headers(1, get("/"), true);
        RawH2Client.Frame f;
        do {
            f = client.next(10, TimeUnit.SECONDS);
            assertThat(f).as("response on stream 1").isNotNull().isNotEqualTo(RawH2Client.CLOSED);
        } while (!f.endStream());
        client.headers(1, get("/"), true);
        List<RawH2Client.Frame> frames = framesUntilClosed();
        assertThat(frames).as("GOAWAY(STREAM_CLOSED), then the close")
                .anyMatch(g -> g.type().equals("GOAWAY") && g.errorCode() == Http2Error.STREAM_CLOSED.code())
                .noneMatch(g -> g.type().equals("RST_STREAM"));
    }

    /** '~' has a 13-bit Huffman code: HPACK sends it raw, so the encoded block is as large as the text. */
    @Test
    void headerBlockAboveOneAndAQuarterTimesTheLimitEndsTheConnection() throws Exception {
        int limit = proxy.config().maxHeaderSize();
        client.headers(1, get("/").add("x-big", "~".repeat(limit * 5 / 4 + 64)), true);
        List<RawH2Client.Frame> frames = framesUntilClosed();
        assertThat(frames).as("GOAWAY past 1.25 x %d encoded bytes", limit)
                .anyMatch(g -> g.type().equals("GOAWAY") && g.errorCode() == Http2Error.PROTOCOL_ERROR.code());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(inbound("meshlens_responses_total", Map.of("error", "protocol_error"))).isEqualTo(1.0));
        assertThat(app.connections.get()).isZero();
    }

    /** Just over 1.25 times the limit once decoded, but Huffman-coded ('v': 7 bits) under it on the wire. */
    @Test
    void compressibleHeaderListAboveOneAndAQuarterTimesTheLimitIsRefusedOnItsStreamOnly() throws Exception {
        int limit = proxy.config().maxHeaderSize();
        client.headers(1, get("/").add("x-big", "v".repeat(limit * 5 / 4 + 64)), true);
        assertThat(client.next(10, TimeUnit.SECONDS)).hasToString("HEADERS(stream 1, DefaultHttp2Headers[:status: 431], end)");
        assertThat(app.connections.get()).isZero();
    }

    @Test
    void headerListJustAboveTheLimitIsRefusedOnItsStreamOnly() throws Exception {
        int limit = proxy.config().maxHeaderSize();
        client.headers(1, get("/").add("x-big", "v".repeat(limit)), true);
        RawH2Client.Frame f = client.next(10, TimeUnit.SECONDS);
        assertThat(f).hasToString("HEADERS(stream 1, DefaultHttp2Headers[:status: 431], end)");
        client.headers(3, get("/"), true);
        RawH2Client.Frame next;
        do {
            next = client.next(10, TimeUnit.SECONDS);
        } while (next != null && next.streamId() == 1);
        assertThat(next).as("the connection still serves").isNotNull();
        assertThat(next.toString()).startsWith("HEADERS(stream 3, DefaultHttp2Headers[:status: 200");
        assertThat(app.connections.get()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                inbound("meshlens_responses_total", Map.of("status_code", "431", "error", "protocol_error"))).isEqualTo(1.0));
    }

    private List<RawH2Client.Frame> framesUntilClosed() throws InterruptedException {
        List<RawH2Client.Frame> frames = new ArrayList<>();
        while (true) {
            RawH2Client.Frame f = client.next(10, TimeUnit.SECONDS);
            assertThat(f).as("the connection closes within 10 s; frames so far: %s", frames).isNotNull();
            frames.add(f);
            if (f == RawH2Client.CLOSED) {
                return frames;
            }
        }
    }
}
