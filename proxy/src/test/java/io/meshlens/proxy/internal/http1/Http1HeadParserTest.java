package io.meshlens.proxy.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class Http1HeadParserTest {
    private final Http1HeadParser req = new Http1HeadParser(true, 4096, 8192);
    private final Http1HeadParser rsp = new Http1HeadParser(false, 4096, 8192);

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static int parse(Http1HeadParser p, String s) throws Http1ParseException {
        ByteBuf b = buf(s);
        try {
            return p.parse(b);
        } finally {
            b.release();
        }
    }

    private static String rewriteRequest(Http1HeadParser p, String head, int originStart, String host) throws Exception {
        ByteBuf in = buf(head);
        ByteBuf out = Unpooled.buffer();
        try {
            assertThat(p.parse(in)).isEqualTo(head.length());
            Http1HeadWriter.writeRequest(in, p, originStart, host, out);
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            in.release();
            out.release();
        }
    }

    @Test
    void parsesARequestHeadInPlace() throws Exception {
        String head = "GET /a?b=1 HTTP/1.1\r\nHost: Web:8080\r\nContent-Length: 5\r\nX-A: 1\r\n\r\n";
        ByteBuf b = buf(head + "hello");
        assertThat(req.parse(b)).isEqualTo(head.length());
        assertThat(b.readerIndex()).isZero(); // consumes nothing
        assertThat(req.methodLength()).isEqualTo(3);
        assertThat(b.toString(req.targetStart(), req.targetEnd() - req.targetStart(), StandardCharsets.US_ASCII)).isEqualTo("/a?b=1");
        assertThat(req.version()).isEqualTo(11);
        assertThat(req.contentLength()).isEqualTo(5);
        assertThat(req.chunked()).isFalse();
        assertThat(req.keepAlive()).isTrue();
        assertThat(req.hasDroppedHeaders()).isFalse();
        int h = req.hostIndex();
        assertThat(b.toString(req.valueStart(h), req.valueEnd(h) - req.valueStart(h), StandardCharsets.US_ASCII)).isEqualTo("Web:8080");
        b.release();
    }

    @Test
    void parsesAHeadSplitAcrossReads() throws Exception {
        String head = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int split = 1; split < head.length(); split++) {
            req.reset();
            ByteBuf b = buf(head.substring(0, split));
            assertThat(req.parse(b)).isEqualTo(-1);
            assertThat(req.started()).isTrue();
            b.writeCharSequence(head.substring(split), StandardCharsets.ISO_8859_1);
            assertThat(req.parse(b)).as("split at %d", split).isEqualTo(head.length());
            assertThat(req.chunked()).isTrue();
            b.release();
        }
    }

    @Test
    void acceptsBareLineFeedsAndLeadingEmptyLines() throws Exception {
        ByteBuf b = buf("\r\nGET / HTTP/1.0\nHost: a\n\n");
        assertThat(req.parse(b)).isEqualTo(b.readableBytes());
        assertThat(req.version()).isEqualTo(10);
        assertThat(req.keepAlive()).isFalse(); // HTTP/1.0 without keep-alive
        b.release();
    }

    @Test
    void connectionManagement() throws Exception {
        parse(req, "GET / HTTP/1.1\r\nConnection: Keep-Alive, close\r\n\r\n");
        assertThat(req.keepAlive()).isFalse();
        req.reset();
        parse(req, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertThat(req.keepAlive()).isTrue();
        assertThat(req.hasDroppedHeaders()).isTrue();
        assertThat(req.expectContinue()).isFalse();
        req.reset();
        parse(req, "POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n");
        assertThat(req.expectContinue()).isTrue();
        assertThat(req.hasDroppedHeaders()).isFalse(); // Expect goes on: the upstream answers 100
    }

    @Test
    void malformedRequestsGetThePreciseStatus() {
        assertStatus("GET / NOTHTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid HTTP version");
        assertStatus("GET / HTTP/2.0\r\n\r\n", 400, "invalid HTTP version");
        assertStatus("G(T / HTTP/1.1\r\n\r\n", 400, "invalid request method");
        assertStatus("GET  HTTP/1.1\r\n\r\n", 400, "invalid request");
        assertStatus("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "invalid header line");
        assertStatus("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400, "obsolete line folding");
        assertStatus("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400, "invalid header line");
        assertStatus("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, "conflicting Content-Length");
        assertStatus("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "invalid Content-Length");
        assertStatus("GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 400, "unsupported Transfer-Encoding");
        assertStatus("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "more than one Host");
        assertStatus("GET /" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n", 414, "larger than 4096 bytes");
        assertStatus("GET / HTTP/1.1\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n", 431, "larger than 8192 bytes");
    }

    @Test
    void limitsApplyBeforeTheLineOrHeadIsComplete() {
        // a client that never ends its line cannot make the proxy buffer more than the limit
        assertStatus("GET /" + "a".repeat(5000), 414, "larger than 4096 bytes");
        assertStatus("GET / HTTP/1.1\r\nX-Big: " + "a".repeat(9000), 431, "larger than 8192 bytes");
        assertStatus("GET / HTTP/1.1\r\n" + "X: 1234567890\r\n".repeat(700), 431, "larger than 8192 bytes");
    }

    @Test
    void exactlyAtTheLimitsIsAccepted() throws Exception {
        Http1HeadParser p = new Http1HeadParser(true, 20, 20);
        assertThat(parse(p, "GET /123456 HTTP/1.1\r\nX: 12345678901234567\r\n\r\n")).isPositive(); // 20 + 20 bytes
        p.reset();
        assertThatThrownBy(() -> parse(p, "GET /1234567 HTTP/1.1\r\n\r\n")).isInstanceOf(Http1ParseException.class);
    }

    private void assertStatus(String head, int status, String message) {
        req.reset();
        assertThatThrownBy(() -> parse(req, head)).isInstanceOfSatisfying(Http1ParseException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void requestWithContentLengthAndTransferEncodingIsRefusedInEitherOrder() {
        for (String framing : new String[] {"Content-Length: 3\r\nTransfer-Encoding: chunked",
                "Transfer-Encoding: chunked\r\nContent-Length: 3"}) {
            req.reset();
            assertThatThrownBy(() -> parse(req, "POST / HTTP/1.1\r\nHost: a\r\n" + framing + "\r\n\r\n"))
                    .isInstanceOfSatisfying(Http1ParseException.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessageContaining("Content-Length together with Transfer-Encoding");
        }
    }

    @Test
    void responseTransferEncodingOverridesContentLength() throws Exception {
        parse(rsp, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(rsp.chunked()).isTrue();
        assertThat(rsp.contentLength()).isEqualTo(-1);
        assertThat(rsp.hasDroppedHeaders()).as("the Content-Length does not go on").isTrue();
    }

    @Test
    void requestWithoutHostGetsOneAndAbsoluteFormReplacesTheCallersHost() throws Exception {
        assertThat(rewriteRequest(req, "GET /old HTTP/1.0\r\nAccept: */*\r\n\r\n", -1, "10.0.0.1:8080"))
                .isEqualTo("GET /old HTTP/1.1\r\nAccept: */*\r\nHost: 10.0.0.1:8080\r\n\r\n");
        req.reset();
        String head = "GET http://web:81/p HTTP/1.1\r\nHost: elsewhere\r\nAccept: */*\r\n\r\n";
        assertThat(rewriteRequest(req, head, head.indexOf("/p"), "web:81"))
                .isEqualTo("GET /p HTTP/1.1\r\nAccept: */*\r\nHost: web:81\r\n\r\n");
    }

    @Test
    void requestRewriteDropsHopByHopAndNominatedHeaders() throws Exception {
        String out = rewriteRequest(req, "GET /p HTTP/1.0\r\nHost: a\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\n"
                + "Keep-Alive: 5\r\nUpgrade: websocket\r\nProxy-Authorization: basic x\r\nProxy-Connection: close\r\nX-Kept: k\r\n"
                + "TE: trailers\r\n\r\n", -1, null);
        assertThat(out).isEqualTo("GET /p HTTP/1.1\r\nHost: a\r\nX-Kept: k\r\nTE: trailers\r\n\r\n");
    }

    @Test
    void absoluteFormBecomesOriginFormWithHost() throws Exception {
        String head = "GET http://user@web:81/a/b?q HTTP/1.1\r\nAccept: */*\r\n\r\n";
        String out = rewriteRequest(req, head, head.indexOf("/a/b"), "web:81");
        assertThat(out).isEqualTo("GET /a/b?q HTTP/1.1\r\nAccept: */*\r\nHost: web:81\r\n\r\n");
        req.reset();
        String bare = "GET http://web?q=1 HTTP/1.1\r\nHost: web\r\n\r\n";
        assertThat(rewriteRequest(req, bare, bare.indexOf("?q"), "web")).isEqualTo("GET /?q=1 HTTP/1.1\r\nHost: web\r\n\r\n");
        req.reset();
        String noPath = "GET http://web HTTP/1.1\r\n\r\n";
        assertThat(rewriteRequest(req, noPath, noPath.indexOf(" HTTP"), "web")).isEqualTo("GET / HTTP/1.1\r\nHost: web\r\n\r\n");
    }

    @Test
    void parsesAndRewritesAResponseHead() throws Exception {
        String head = "HTTP/1.0 200 OK\r\nServer: x\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\n";
        ByteBuf in = buf(head + "ok");
        assertThat(rsp.parse(in)).isEqualTo(head.length());
        assertThat(rsp.status()).isEqualTo(200);
        assertThat(rsp.keepAlive()).isTrue();
        assertThat(rsp.contentLength()).isEqualTo(2);
        ByteBuf out = Unpooled.buffer();
        Http1HeadWriter.writeResponse(in, rsp, true, out);
        assertThat(out.toString(StandardCharsets.US_ASCII))
                .isEqualTo("HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n");
        in.release();
        out.release();
    }

    @Test
    void malformedResponses() throws Exception {
        for (String bad : new String[] {"HTTP/1.1 abc what\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n",
                                        "ICY 200 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n"}) {
            rsp.reset();
            assertThatThrownBy(() -> parse(rsp, bad)).as(bad).isInstanceOf(Http1ParseException.class);
        }
        rsp.reset();
        assertThat(parse(rsp, "HTTP/1.1 204\r\n\r\n")).isPositive(); // the reason phrase is optional
        assertThat(rsp.status()).isEqualTo(204);
    }
}
