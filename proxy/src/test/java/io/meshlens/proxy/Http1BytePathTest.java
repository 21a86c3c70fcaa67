package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.meshlens.proxy.testing.RawServer;

/**
 * The HTTP/1.1 byte-forwarding path, byte for byte, through real sockets: what reaches the
 * upstream (a raw server that records the bytes it reads) and what reaches the caller.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http1BytePathTest {
    private Backend app;
    /** Records every request (head + body as the proxy sent it); answers per the request path. */
    private RawServer raw;
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private RunningProxy proxy;

    @BeforeAll
    void start() throws Exception {
        app = new Backend();
        raw = new RawServer(s -> {
            InputStream in = s.getInputStream();
            while (true) {
                String head = RawServer.readHead(in);
                if (head.isEmpty()) {
                    return;
                }
                String body = readBody(in, head);
                seen.add(head + body);
                String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                switch (path) {
                    case "/head":
                        RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"); // HEAD: no body follows
                        break;
                    case "/204":
                        RawServer.write(s, "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n");
                        break;
                    case "/304":
                        RawServer.write(s, "HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n");
                        break;
                    case "/chunked":
                        RawServer.write(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive, X-Hop\r\n"
                                + "X-Hop: h\r\nKeep-Alive: timeout=5\r\n\r\n3;e=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: t\r\n\r\n");
                        break;
                    case "/until-close":
                        RawServer.write(s, "HTTP/1.0 200 OK\r\nX-A: a\r\n\r\nuntil-close-body");
                        return;
                    case "/continue":
                        RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
                        break;
                    default:
                        RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                }
            }
        });
        proxy = ProxyServer.start(Proxies.config(app.address())
                .name("raw", raw.address())
                .name("app", app.address())
                .headerReadTimeout(Duration.ofMillis(500))
                .build());
    }

    @AfterAll
    void stop() throws Exception {
        proxy.close();
        app.close();
        raw.close();
    }

    /** Reads a body framed by Content-Length or chunked encoding, returned raw (framing included). */
    private static String readBody(InputStream in, String head) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                String line = readLine(in);
                b.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
                int size = Integer.parseInt(line.trim().split(";")[0], 16);
                if (size == 0) {
                    String t;
                    do {
                        t = readLine(in);
                        b.writeBytes(t.getBytes(StandardCharsets.ISO_8859_1));
                    } while (!t.equals("\r\n"));
                    return b.toString(StandardCharsets.ISO_8859_1);
                }
                b.writeBytes(in.readNBytes(size + 2));
            }
        }
        int i = lower.indexOf("content-length: ");
        if (i < 0) {
            return "";
        }
        int n = Integer.parseInt(lower.substring(i + 16, lower.indexOf('\r', i)));
        return new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (c == '\n') {
                break;
            }
        }
        return b.toString();
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Reads one response (head + raw body) from the proxy; {@code head} true for a response to HEAD. */
    private static String response(InputStream in, boolean headRequest) throws IOException {
        String h = RawServer.readHead(in);
        if (headRequest || h.startsWith("HTTP/1.1 204") || h.startsWith("HTTP/1.1 304") || h.startsWith("HTTP/1.1 100")) {
            return h;
        }
        return h + readBody(in, h);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        drain();
        try (Socket s = connect(proxy.outboundPort())) {
            RawServer.write(s, "GET /a HTTP/1.1\r\nHost: raw\r\n\r\nGET /b HTTP/1.1\r\nHost: raw\r\n\r\n"
                    + "GET /c HTTP/1.1\r\nHost: raw\r\nConnection: close\r\n\r\n");
            InputStream in = s.getInputStream();
            for (int i = 0; i < 3; i++) {
                assertThat(response(in, false)).startsWith("HTTP/1.1 200 OK").endsWith("ok");
            }
            assertThat(in.read()).as("closed after Connection: close").isEqualTo(-1);
        }
        assertThat(drain()).extracting(r -> r.substring(0, r.indexOf('\r')))
                .containsExactly("GET /a HTTP/1.1", "GET /b HTTP/1.1", "GET /c HTTP/1.1");
    }

    @Test
    void requestHeadIsForwardedWithOnlyHopByHopHeadersRemoved() throws Exception {
        drain();
        try (Socket s = connect(proxy.outboundPort())) {
            RawServer.write(s, "GET http://raw/p?q=1 HTTP/1.1\r\nX-Case: MiXeD\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
                    + "Keep-Alive: 5\r\nProxy-Authorization: secret\r\nUpgrade: websocket\r\nAccept: */*\r\n\r\n");
            assertThat(response(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK");
        }
        assertThat(seen.poll(10, TimeUnit.SECONDS))
                .isEqualTo("GET /p?q=1 HTTP/1.1\r\nX-Case: MiXeD\r\nAccept: */*\r\nHost: raw\r\n\r\n");
    }

    @Test
    void chunkedBothWaysIsSplicedUnchanged() throws Exception {
        drain();
        String body = "5;ext=x\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n";
        try (Socket s = connect(proxy.outboundPort())) {
            RawServer.write(s, "POST /chunked HTTP/1.1\r\nHost: raw\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
            String r = response(s.getInputStream(), false);
            assertThat(r).isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: t\r\n\r\n");
            // keep-alive still works after a chunked exchange
            RawServer.write(s, "GET /after HTTP/1.1\r\nHost: raw\r\n\r\n");
            assertThat(response(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK").endsWith("ok");
        }
        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(
                "POST /chunked HTTP/1.1\r\nHost: raw\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
        await("raw:80", "request_bytes", 11);
    }

    @Test
    void headAnd204And304HaveNoBodyWhateverTheirHeadersSay() throws Exception {
        try (Socket s = connect(proxy.outboundPort())) {
            InputStream in = s.getInputStream();
            RawServer.write(s, "HEAD /head HTTP/1.1\r\nHost: raw\r\n\r\n");
            assertThat(response(in, true)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
            RawServer.write(s, "GET /204 HTTP/1.1\r\nHost: raw\r\n\r\n");
            assertThat(response(in, false)).startsWith("HTTP/1.1 204 No Content\r\n");
            RawServer.write(s, "GET /304 HTTP/1.1\r\nHost: raw\r\n\r\n");
            assertThat(response(in, false)).startsWith("HTTP/1.1 304 Not Modified\r\n");
            RawServer.write(s, "GET /last HTTP/1.1\r\nHost: raw\r\n\r\n");
            assertThat(response(in, false)).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nok");
        }
    }

    @Test
    void responseUntilCloseEndsTheCallersConnectionToo() throws Exception {
        try (Socket s = connect(proxy.outboundPort())) {
            RawServer.write(s, "GET /until-close HTTP/1.1\r\nHost: raw\r\n\r\n");
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(r).isEqualTo("HTTP/1.1 200 OK\r\nX-A: a\r\nConnection: close\r\n\r\nuntil-close-body");
        }
    }

    @Test
    void expectContinueGoesThroughBeforeTheBody() throws Exception {
        try (Socket s = connect(proxy.inboundPorts().get(0))) {
            InputStream in = s.getInputStream();
            RawServer.write(s, "POST /echo HTTP/1.1\r\nHost: app\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(RawServer.readHead(in)).startsWith("HTTP/1.1 100");
            RawServer.write(s, "hello");
            String r = response(in, false);
            assertThat(r).startsWith("HTTP/1.1 200").endsWith("hello");
        }
    }

    @Test
    void incompleteHeadGets408OnFirstAndLaterRequests() throws Exception {
        try (Socket s = connect(proxy.outboundPort())) {
            RawServer.write(s, "GET /slow HTTP/1.1\r\nHost: ra");
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(r).startsWith("HTTP/1.1 408 Request Timeout").contains("connection: close");
        }
        try (Socket s = connect(proxy.outboundPort())) {
            RawServer.write(s, "GET /a HTTP/1.1\r\nHost: raw\r\n\r\n");
            assertThat(response(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK");
            RawServer.write(s, "GET /b HTTP/1.1\r\n");
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(r).startsWith("HTTP/1.1 408 ");
        }
        // an idle keep-alive connection (no head started) is not a slow head
        try (Socket s = connect(proxy.outboundPort())) {
            RawServer.write(s, "GET /a HTTP/1.1\r\nHost: raw\r\n\r\n");
            assertThat(response(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK");
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(1200)) {
                Thread.onSpinWait(); // idle on purpose: longer than the header-read timeout
            }
            RawServer.write(s, "GET /b HTTP/1.1\r\nHost: raw\r\n\r\n");
            assertThat(response(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK");
        }
    }

    @Test
    void malformedChunkedRequestBodyIs400() throws Exception {
        try (Socket s = connect(proxy.outboundPort())) {
            RawServer.write(s, "POST /x HTTP/1.1\r\nHost: raw\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(r).startsWith("HTTP/1.1 400 ").contains("meshlens-proxy-error: protocol_error")
                    .contains("invalid chunk size");
        }
    }

    /**
     * A never-ending response to a caller that stops reading, and a never-ending upload to an
     * upstream that never reads: what the far side manages to send must level off (socket
     * buffers plus the proxy's write buffer), not grow at loopback speed into the proxy's memory.
     */
    @Test
    void neverEndingBodiesFlowWithBoundedBuffering() throws Exception {
        java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong uploaded = new java.util.concurrent.atomic.AtomicLong();
        byte[] chunk = new byte[64 * 1024];
        try (RawServer endless = new RawServer(s -> {
                 String head = RawServer.readHead(s.getInputStream());
                 if (head.startsWith("POST")) {
                     s.getInputStream().read(); // never reads the body
                     return;
                 }
                 RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n");
                 while (true) {
                     s.getOutputStream().write(chunk);
                     served.addAndGet(chunk.length);
                 }
             });
             RunningProxy p = ProxyServer.start(Proxies.config(endless.address()).build());
             Socket down = connect(p.inboundPorts().get(0));
             Socket up = connect(p.inboundPorts().get(0))) {
            long bound = 64L * 1024 * 1024;
            RawServer.write(down, "GET /endless HTTP/1.1\r\nHost: e\r\n\r\n");
            InputStream in = down.getInputStream();
            assertThat(RawServer.readHead(in)).startsWith("HTTP/1.1 200 OK");
            in.readNBytes(1024 * 1024); // it flows...
            // ...then the caller stops reading: the upstream must be held back
            org.awaitility.Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> served.get() < bound);
            long before = served.get();
            in.readNBytes(8 * 1024 * 1024);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> served.get() > before);

            Thread writer = new Thread(() -> {
                try {
                    var out = up.getOutputStream();
                    out.write("POST /upload HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: chunked\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    byte[] c = ("10000\r\n" + "x".repeat(65536) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                    while (true) {
                        out.write(c);
                        uploaded.addAndGet(c.length);
                    }
                } catch (IOException e) {
                    // the test closed the socket
                }
            }, "endless-upload");
            writer.setDaemon(true);
            writer.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> uploaded.get() > 0);
            org.awaitility.Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> uploaded.get() < bound);
        }
    }

    private void await(String authority, String what, double value) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PromText m = Proxies.scrape(proxy);
            assertThat(m.sum("meshlens_" + what + "_total", Map.of("direction", "outbound", "authority", authority)))
                    .isGreaterThanOrEqualTo(value);
        });
    }

    private java.util.List<String> drain() {
        java.util.List<String> l = new java.util.ArrayList<>();
        seen.drainTo(l);
        return l;
    }
}
