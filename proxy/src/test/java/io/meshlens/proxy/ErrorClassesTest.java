package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.meshlens.proxy.testing.RawClient;
import io.meshlens.proxy.testing.RawServer;

/**
 * Provokes every error class the proxy can meet on loopback and asserts the caller's answer, the
 * exact metric, and that the proxy keeps serving afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorClassesTest {
    private Backend app;
    private RawServer closeImmediately;
    private RawServer closeMidBody;
    private RawServer garbage;
    private ServerSocket blackhole;
    private final List<Socket> backlogFillers = new ArrayList<>();
    private int closedPort;
    private RunningProxy proxy;

    @BeforeAll
    void start() throws Exception {
        app = new Backend();
        closeImmediately = new RawServer(s -> RawServer.readHead(s.getInputStream()));
        closeMidBody = new RawServer(s -> {
            RawServer.readHead(s.getInputStream());
            RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly-part");
        });
        garbage = new RawServer(s -> {
            RawServer.readHead(s.getInputStream());
            RawServer.write(s, "HTTP/1.1 abc what\r\n\r\n");
        });
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        blackhole = blackhole();
        proxy = ProxyServer.start(Proxies.config(app.address())
                .name("good", app.address())
                .name("refused", new InetSocketAddress("127.0.0.1", closedPort))
                .name("reset", closeImmediately.address())
                .name("midbody", closeMidBody.address())
                .name("garbage", garbage.address())
                .name("blackhole", (InetSocketAddress) blackhole.getLocalSocketAddress())
                .connectTimeout(Duration.ofMillis(500))
                .maxHeaderSize(4096)
                .build());
    }

    /** A listener whose accept queue is full and never drained: SYNs go unanswered, connects time out. */
    private ServerSocket blackhole() throws IOException {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        for (int i = 0; i < 8; i++) {
            Socket c = new Socket();
            try {
                c.connect(s.getLocalSocketAddress(), 200);
                backlogFillers.add(c);
            } catch (IOException e) {
                c.close();
                break; // queue is full
            }
        }
        return s;
    }

    @AfterAll
    void stop() throws Exception {
        proxy.close();
        app.close();
        closeImmediately.close();
        closeMidBody.close();
        garbage.close();
        for (Socket s : backlogFillers) {
            s.close();
        }
        blackhole.close();
    }

    private String outbound(String host, String path) throws IOException {
        return RawClient.exchange(proxy.outboundPort(),
                "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    private double errors(String direction, String error, String authority) throws Exception {
        PromText m = Proxies.scrape(proxy);
        Map<String, String> l = new HashMap<>(Map.of("direction", direction, "error", error, "classification", "failure"));
        if (authority != null) {
            l.put("authority", authority);
        }
        return m.sum("meshlens_responses_total", l);
    }

    private void assertStillServes() throws Exception {
        assertThat(outbound("good", "/x")).startsWith("HTTP/1.1 200").endsWith("ok");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.inboundPorts().get(0) + "/x")).version(HttpClient.Version.HTTP_1_1).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void connectRefused() throws Exception {
        String r = outbound("refused", "/");
        assertThat(r).startsWith("HTTP/1.1 502").contains("meshlens-proxy-error: connect_refused")
                .contains("meshlens proxy: connect_refused");
        assertThat(errors("outbound", "connect_refused", "refused:80")).isEqualTo(1);
        assertStillServes();
    }

    @Test
    void connectTimeout() throws Exception {
        String r = outbound("blackhole", "/");
        assertThat(r).startsWith("HTTP/1.1 504").contains("meshlens-proxy-error: connect_timeout");
        assertThat(errors("outbound", "connect_timeout", "blackhole:80")).isEqualTo(1);
        assertStillServes();
    }

    @Test
    void dnsFailureAndDnsSuccess() throws Exception {
        String r = outbound("nonexistent.invalid", "/");
        assertThat(r).startsWith("HTTP/1.1 502").contains("meshlens-proxy-error: dns_failure");
        assertThat(errors("outbound", "dns_failure", "nonexistent.invalid:80")).isEqualTo(1);
        // app.test resolves (test hosts file) through the asynchronous DNS path
        assertThat(outbound("app.test:" + app.port(), "/y")).startsWith("HTTP/1.1 200");
        assertStillServes();
    }

    @Test
    void noRoute() throws Exception {
        String r = RawClient.exchange(proxy.outboundPort(), "GET /nohost HTTP/1.0\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 502").contains("meshlens-proxy-error: no_route");
        assertThat(errors("outbound", "no_route", "")).isEqualTo(1);
        assertStillServes();
    }

    @Test
    void upstreamResetBeforeAndAfterHeaders() throws Exception {
        assertThat(outbound("reset", "/")).startsWith("HTTP/1.1 502").contains("meshlens-proxy-error: upstream_reset");
        assertThat(errors("outbound", "upstream_reset", "reset:80")).isEqualTo(1);
        String r = outbound("midbody", "/");
        assertThat(r).startsWith("HTTP/1.1 200").contains("only-part");
        PromText m = Proxies.scrape(proxy);
        assertThat(m.sum("meshlens_responses_total", Map.of("authority", "midbody:80", "status_code", "200",
                "error", "upstream_reset", "classification", "failure"))).isEqualTo(1);
        assertStillServes();
    }

    @Test
    void malformedUpstreamResponseIsProtocolError() throws Exception {
        assertThat(outbound("garbage", "/")).startsWith("HTTP/1.1 502").contains("meshlens-proxy-error: protocol_error");
        assertThat(errors("outbound", "protocol_error", "garbage:80")).isEqualTo(1);
        assertStillServes();
    }

    @Test
    void downstreamReset() throws Exception {
        int before = app.hanging.get();
        try (Socket s = new Socket("127.0.0.1", proxy.outboundPort())) {
            RawServer.write(s, "GET /hang HTTP/1.1\r\nHost: good\r\n\r\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> app.hanging.get() > before);
            s.setSoLinger(true, 0);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(errors("outbound", "downstream_reset", "good:80")).isEqualTo(1));
        assertStillServes();
    }

    @Test
    void malformedRequestsAreProtocolErrors() throws Exception {
        int in = proxy.inboundPorts().get(0);
        String badLine = RawClient.exchange(in, "GET / NOTHTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(badLine).startsWith("HTTP/1.1 400").contains("protocol_error");
        String bigHeader = RawClient.exchange(in, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(8000) + "\r\n\r\n");
        assertThat(bigHeader).startsWith("HTTP/1.1 431").contains("protocol_error");
        String longLine = RawClient.exchange(in, "GET /" + "a".repeat(6000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(longLine).startsWith("HTTP/1.1 414");
        String badPreface = RawClient.exchange(in, "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n");
        assertThat(badPreface).startsWith("HTTP/1.1 400").contains("bad HTTP/2 preface");
        // valid preface, then a DATA frame on stream 0: a connection error -> GOAWAY(PROTOCOL_ERROR)
        byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] settings = {0, 0, 0, 4, 0, 0, 0, 0, 0};
        byte[] badData = {0, 0, 1, 0, 0, 0, 0, 0, 0, 'x'};
        byte[] req = new byte[preface.length + settings.length + badData.length];
        System.arraycopy(preface, 0, req, 0, preface.length);
        System.arraycopy(settings, 0, req, preface.length, settings.length);
        System.arraycopy(badData, 0, req, preface.length + settings.length, badData.length);
        byte[] rsp = RawClient.exchange(in, req);
        assertThat(goAwayError(rsp)).as(java.util.HexFormat.of().formatHex(rsp)).isEqualTo(1); // PROTOCOL_ERROR

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PromText m = Proxies.scrape(proxy);
            assertThat(m.sum("meshlens_responses_total", Map.of("direction", "inbound", "error", "protocol_error",
                    "status_code", "400"))).isEqualTo(2);
            assertThat(m.sum("meshlens_responses_total", Map.of("direction", "inbound", "error", "protocol_error",
                    "status_code", "431"))).isEqualTo(1);
            assertThat(m.sum("meshlens_responses_total", Map.of("direction", "inbound", "error", "protocol_error",
                    "protocol", "http2"))).isEqualTo(2);
            assertThat(m.sum("meshlens_tcp_connections_closed_total", Map.of("direction", "inbound",
                    "error", "protocol_error"))).isGreaterThanOrEqualTo(4);
        });
        assertStillServes();
    }

    /** Returns the error code of the first GOAWAY frame in an HTTP/2 server byte stream, -1 if none. */
    private static long goAwayError(byte[] b) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(b));
        while (in.available() >= 9) {
            int len = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            in.readUnsignedByte();
            in.readInt();
            byte[] payload = new byte[len];
            in.readFully(payload);
            if (type == 7) {
                return ((payload[4] & 0xffL) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
            }
        }
        return -1;
    }

    @Test
    void responseTimeoutAndOverloaded() throws Exception {
        try (Backend slow = new Backend();
             RunningProxy p = ProxyServer.start(Proxies.config(slow.address())
                     .responseTimeout(Duration.ofSeconds(2)).maxConcurrentRequests(1).build())) {
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + p.inboundPorts().get(0);
            CompletableFuture<HttpResponse<String>> hung = c.sendAsync(HttpRequest.newBuilder(URI.create(base + "/hang")).build(),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(20)).until(() -> slow.hanging.get() == 1);
            HttpResponse<String> shed = c.send(HttpRequest.newBuilder(URI.create(base + "/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(shed.headers().firstValue("meshlens-proxy-error")).hasValue("overloaded");
            HttpResponse<String> timedOut = hung.get();
            assertThat(timedOut.statusCode()).isEqualTo(504);
            assertThat(timedOut.body()).contains("response_timeout");
            slow.release.countDown();
            PromText m = Proxies.scrape(p);
            assertThat(m.sum("meshlens_responses_total", Map.of("error", "overloaded", "status_code", "503"))).isEqualTo(1);
            assertThat(m.sum("meshlens_responses_total", Map.of("error", "response_timeout", "status_code", "504"))).isEqualTo(1);
            assertThat(c.send(HttpRequest.newBuilder(URI.create(base + "/x")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void internalNeverSeen() throws Exception {
        assertThat(Proxies.scrape(proxy).sum("meshlens_responses_total", Map.of("error", "internal"))).isZero();
    }

}
