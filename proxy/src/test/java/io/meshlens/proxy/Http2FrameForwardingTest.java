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
import org.junit.jupiter.api.Test;

import io.meshlens.proxy.testing.H2TestClient;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.meshlens.proxy.testing.ScriptedH2Server;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The frame-level HTTP/2 path against an upstream that misbehaves on cue: stream-id mapping,
 * end-to-end flow control with a reader that stops reading, resets both ways, GOAWAY from the
 * upstream mid-flight and an upstream that allows one stream at a time.
 */
class Http2FrameForwardingTest {
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

    private RunningProxy proxy(ScriptedH2Server app) throws Exception {
        return closeLater(ProxyServer.start(Proxies.config(app.address()).name("app", app.address()).build()));
    }

    private H2TestClient client(int port) throws Exception {
        return closeLater(new H2TestClient(port, Http2CodecUtil.DEFAULT_WINDOW_SIZE, true));
    }

    private static double responses(RunningProxy p, Map<String, String> labels) throws Exception {
        return Proxies.scrape(p).sum("meshlens_responses_total", labels);
    }

    @Test
    void eachCallerStreamGetsItsOwnResponseInboundAndOutbound() throws Exception {
        ScriptedH2Server app = closeLater(new ScriptedH2Server(0));
        RunningProxy p = proxy(app);
        for (int port : new int[] {p.inboundPorts().get(0), p.outboundPort()}) {
            H2TestClient c = client(port);
            List<H2TestClient.Response> rs = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                rs.add(c.get("app:80", "/r" + i));
            }
            for (int i = 0; i < rs.size(); i++) {
                Http2Headers h = rs.get(i).headers.get(10, TimeUnit.SECONDS);
                assertThat(h.status().toString()).isEqualTo("200");
                assertThat(h.get("x-path").toString()).isEqualTo("/r" + i);
                rs.get(i).end.get(10, TimeUnit.SECONDS);
            }
        }
        PromText m = Proxies.scrape(p);
        assertThat(m.sum("meshlens_responses_total", Map.of("direction", "inbound", "protocol", "http2",
                "status_code", "200", "error", ""))).isEqualTo(60);
        assertThat(m.sum("meshlens_responses_total", Map.of("direction", "outbound", "protocol", "http2",
                "authority", "app:80", "status_code", "200", "error", ""))).isEqualTo(60);
        // one shared upstream connection per event loop, not one per caller stream
        assertThat(app.connections.get()).isBetween(1, 2 * p.config().ioThreads());
    }

    @Test
    void aReaderThatStopsReadingStopsTheUpstream() throws Exception {
        ScriptedH2Server app = closeLater(new ScriptedH2Server(0));
        RunningProxy p = proxy(app);
        int window = 16 * 1024;
        H2TestClient c = closeLater(new H2TestClient(p.inboundPorts().get(0), window, false));
        H2TestClient.Response r = c.get("app:80", "/big");
        await().atMost(Duration.ofSeconds(10)).until(() -> r.bytes.get() == window);
        // The proxy returns credit to the upstream only for bytes the caller took: the upstream can
        // be ahead by at most the proxy's stream window, whatever the socket buffers could hold.
        long bound = window + Http2CodecUtil.DEFAULT_WINDOW_SIZE;
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                .until(() -> app.bigBytesSent.get() <= bound && r.bytes.get() == window);
        c.consumeAll();
        r.end.get(30, TimeUnit.SECONDS);
        assertThat(r.bytes.get()).isEqualTo(ScriptedH2Server.BIG);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Proxies.scrape(p).sum("meshlens_response_bytes_total", Map.of("direction", "inbound")))
                        .isEqualTo(ScriptedH2Server.BIG));
    }

    @Test
    void callerResetCancelsTheUpstreamStream() throws Exception {
        ScriptedH2Server app = closeLater(new ScriptedH2Server(0));
        RunningProxy p = proxy(app);
        H2TestClient c = client(p.inboundPorts().get(0));
        H2TestClient.Response r = c.get("app:80", "/hang");
        await().atMost(Duration.ofSeconds(10)).until(() -> app.active.get() == 1);
        c.reset(r, Http2Error.CANCEL);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.resetsReceived.contains(Http2Error.CANCEL.code()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(responses(p, Map.of("direction", "inbound",
                "protocol", "http2", "error", "downstream_reset", "classification", "failure"))).isEqualTo(1));
    }

    @Test
    void upstreamResetReachesTheCaller() throws Exception {
        ScriptedH2Server app = closeLater(new ScriptedH2Server(0));
        RunningProxy p = proxy(app);
        H2TestClient c = client(p.inboundPorts().get(0));
        // after the response started: the caller's stream is reset with the upstream's code
        H2TestClient.Response after = c.get("app:80", "/reset-after-headers");
        assertThat(after.headers.get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
        assertThat(after.reset.get(10, TimeUnit.SECONDS)).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
        // before it started: the proxy answers 502 naming the error
        H2TestClient.Response before = c.get("app:80", "/reset-before-headers");
        Http2Headers h = before.headers.get(10, TimeUnit.SECONDS);
        assertThat(h.status().toString()).isEqualTo("502");
        assertThat(h.get("meshlens-proxy-error").toString()).isEqualTo("upstream_reset");
        before.end.get(10, TimeUnit.SECONDS);
        assertThat(responses(p, Map.of("direction", "inbound", "error", "upstream_reset", "status_code", "200"))).isEqualTo(1);
        assertThat(responses(p, Map.of("direction", "inbound", "error", "upstream_reset", "status_code", "502"))).isEqualTo(1);
        // and the proxy keeps serving on the same caller connection
        assertThat(c.get("app:80", "/ok").headers.get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
    }

    @Test
    void aMalformedUpstreamResponseIsAProtocolError() throws Exception {
        ScriptedH2Server app = closeLater(new ScriptedH2Server(0));
        RunningProxy p = proxy(app);
        H2TestClient c = client(p.inboundPorts().get(0));
        H2TestClient.Response r = c.get("app:80", "/bad-length");
        assertThat(r.reset.get(10, TimeUnit.SECONDS)).isEqualTo(Http2Error.CANCEL.code());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(responses(p, Map.of("direction", "inbound",
                "error", "protocol_error", "classification", "failure"))).isEqualTo(1));
        assertThat(c.get("app:80", "/ok").headers.get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
    }

    @Test
    void upstreamGoAwayLetsTheStreamInFlightFinishAndMovesOnToANewConnection() throws Exception {
        ScriptedH2Server app = closeLater(new ScriptedH2Server(0));
        RunningProxy p = proxy(app);
        H2TestClient c = client(p.inboundPorts().get(0));
        H2TestClient.Response first = c.get("app:80", "/goaway");
        assertThat(first.headers.get(10, TimeUnit.SECONDS).get("x-path").toString()).isEqualTo("/goaway");
        first.end.get(10, TimeUnit.SECONDS);
        int before = app.connections.get();
        for (int i = 0; i < 5; i++) {
            H2TestClient.Response r = c.get("app:80", "/after" + i);
            assertThat(r.headers.get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
            r.end.get(10, TimeUnit.SECONDS);
        }
        assertThat(app.connections.get()).isEqualTo(before + 1);
        // the retired connection is closed by the proxy once its last stream ended
        await().atMost(Duration.ofSeconds(10)).until(() -> app.closedConnections.get() == 1);
        assertThat(responses(p, Map.of("direction", "inbound", "status_code", "200", "error", ""))).isEqualTo(6);
        assertThat(responses(p, Map.of("direction", "inbound", "classification", "failure"))).isZero();
    }

    @Test
    void aRequestRefusedByGoAwayIsSentAgainOnANewConnection() throws Exception {
        ScriptedH2Server app = closeLater(new ScriptedH2Server(0));
        RunningProxy p = closeLater(ProxyServer.start(Proxies.config(app.address()).ioThreads(1).build()));
        H2TestClient c = client(p.inboundPorts().get(0));
        H2TestClient.Response r = c.get("app:80", "/refuse-on-first-connection");
        assertThat(r.headers.get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
        r.end.get(10, TimeUnit.SECONDS);
        assertThat(app.connections.get()).isEqualTo(2);
        assertThat(responses(p, Map.of("direction", "inbound", "status_code", "200", "error", ""))).isEqualTo(1);
        assertThat(responses(p, Map.of("direction", "inbound", "classification", "failure"))).isZero();
    }

    @Test
    void anUpstreamAllowingOneStreamGetsOneAtATime() throws Exception {
        ScriptedH2Server app = closeLater(new ScriptedH2Server(1));
        RunningProxy p = closeLater(ProxyServer.start(Proxies.config(app.address()).ioThreads(1).build()));
        H2TestClient c = client(p.inboundPorts().get(0));
        List<H2TestClient.Response> rs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rs.add(c.get("app:80", "/slow"));
        }
        for (H2TestClient.Response r : rs) {
            assertThat(r.headers.get(20, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
            r.end.get(20, TimeUnit.SECONDS);
        }
        assertThat(app.maxActive.get()).isEqualTo(1);
        assertThat(app.resetsReceived).isEmpty();
        assertThat(responses(p, Map.of("direction", "inbound", "status_code", "200", "error", ""))).isEqualTo(20);
    }

    @Test
    void drainSendsGoAwayAndLetsTheStreamInFlightFinish() throws Exception {
        ScriptedH2Server app = closeLater(new ScriptedH2Server(0));
        RunningProxy p = proxy(app);
        H2TestClient c = client(p.inboundPorts().get(0));
        assertThat(c.get("app:80", "/warm").headers.get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
        H2TestClient.Response slow = c.get("app:80", "/slower");
        await().atMost(Duration.ofSeconds(10)).until(() -> app.active.get() == 1);
        var done = p.shutdownAsync();
        assertThat(c.goAway.get(10, TimeUnit.SECONDS)).isEqualTo(Http2Error.NO_ERROR.code());
        assertThat(slow.headers.get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
        slow.end.get(10, TimeUnit.SECONDS);
        done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void responseTimeoutAndOverloadAnswerTheCaller() throws Exception {
        ScriptedH2Server app = closeLater(new ScriptedH2Server(0));
        RunningProxy p = closeLater(ProxyServer.start(Proxies.config(app.address())
                .responseTimeout(Duration.ofMillis(500)).maxConcurrentRequests(1).build()));
        H2TestClient c = client(p.inboundPorts().get(0));
        H2TestClient.Response hung = c.get("app:80", "/hang");
        await().atMost(Duration.ofSeconds(10)).until(() -> app.active.get() == 1);
        Http2Headers shed = c.get("app:80", "/x").headers.get(10, TimeUnit.SECONDS);
        assertThat(shed.status().toString()).isEqualTo("503");
        assertThat(shed.get("meshlens-proxy-error").toString()).isEqualTo("overloaded");
        Http2Headers timedOut = hung.headers.get(10, TimeUnit.SECONDS);
        assertThat(timedOut.status().toString()).isEqualTo("504");
        assertThat(timedOut.get("meshlens-proxy-error").toString()).isEqualTo("response_timeout");
        // the upstream stream is cancelled, not left open
        await().atMost(Duration.ofSeconds(10)).until(() -> app.resetsReceived.contains(Http2Error.CANCEL.code()));
        assertThat(responses(p, Map.of("protocol", "http2", "error", "overloaded", "status_code", "503"))).isEqualTo(1);
        assertThat(responses(p, Map.of("protocol", "http2", "error", "response_timeout", "status_code", "504"))).isEqualTo(1);
        assertThat(c.get("app:80", "/after").headers.get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
    }

    @Test
    void tapSeesHttp2Exchanges() throws Exception {
        ScriptedH2Server app = closeLater(new ScriptedH2Server(0));
        RunningProxy p = proxy(app);
        HttpClient hc = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<Stream<String>> tap = hc.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + p.adminPort() + "/tap?path=/tapped")).build(),
                HttpResponse.BodyHandlers.ofLines()).get(20, TimeUnit.SECONDS);
        assertThat(tap.statusCode()).isEqualTo(200);
        Iterator<String> lines = tap.body().iterator();
        H2TestClient c = client(p.inboundPorts().get(0));
        c.get("app:80", "/other").end.get(10, TimeUnit.SECONDS);
        c.get("app:80", "/tapped/x").end.get(10, TimeUnit.SECONDS);
        List<String> ev = CompletableFuture.supplyAsync(() -> {
            List<String> out = new ArrayList<>();
            while (out.size() < 3 && lines.hasNext()) {
                out.add(lines.next());
            }
            return out;
        }).get(20, TimeUnit.SECONDS);
        assertThat(ev.get(0)).contains("\"type\":\"req\"", "\"method\":\"GET\"", "\"path\":\"/tapped/x\"");
        assertThat(ev.get(1)).contains("\"type\":\"rsp\"", "\"status_code\":200");
        assertThat(ev.get(2)).contains("\"type\":\"end\"", "\"response_bytes\":2");
    }
}
