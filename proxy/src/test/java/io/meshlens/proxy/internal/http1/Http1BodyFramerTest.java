package io.meshlens.proxy.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class Http1BodyFramerTest {
    private final Http1BodyFramer framer = new Http1BodyFramer(64);

    /** Feeds {@code s} in pieces of {@code piece} bytes; returns how many bytes belonged to the body. */
    private int feed(String s, int piece) throws Http1ParseException {
        int total = 0;
        for (int i = 0; i < s.length(); i += piece) {
            ByteBuf b = Unpooled.copiedBuffer(s.substring(i, Math.min(s.length(), i + piece)), StandardCharsets.ISO_8859_1);
            try {
                int n = framer.scan(b);
                total += n;
                if (n < b.readableBytes()) {
                    break;
                }
            } finally {
                b.release();
            }
        }
        return total;
    }

    @Test
    void contentLengthCountsDown() throws Exception {
        framer.resetLength(5);
        assertThat(feed("hel", 10)).isEqualTo(3);
        assertThat(framer.done()).isFalse();
        assertThat(feed("loGET / HTTP/1.1", 10)).isEqualTo(2); // the rest is the next request
        assertThat(framer.done()).isTrue();
        assertThat(framer.payloadBytes()).isEqualTo(5);
        framer.resetLength(0);
        assertThat(framer.done()).isTrue();
    }

    @Test
    void chunkedFramingInAnyPieces() throws Exception {
        String body = "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE \r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n";
        for (int piece = 1; piece <= body.length(); piece++) {
            framer.resetChunked();
            assertThat(feed(body + "NEXT", piece)).as("piece %d", piece).isEqualTo(body.length());
            assertThat(framer.done()).isTrue();
            assertThat(framer.payloadBytes()).isEqualTo(4 + 5 + 14);
        }
    }

    @Test
    void chunkedWithBareLineFeedsAndUpperCaseHex() throws Exception {
        String body = "A\nabcdefghij\n0\n\n";
        framer.resetChunked();
        assertThat(feed(body, 3)).isEqualTo(body.length());
        assertThat(framer.done()).isTrue();
        assertThat(framer.payloadBytes()).isEqualTo(10);
    }

    @Test
    void malformedChunkedBodiesAre400() {
        assertBad("x\r\n", "invalid chunk size");
        assertBad("\r\n", "invalid chunk size");
        assertBad("4\r\nWikiX\r\n", "chunk data not followed by CRLF");
        assertBad("4x\r\n", "invalid chunk size");
        assertBad("1234567890abcdef0\r\n", "chunk size too large");
        assertBad("4\rX", "invalid chunk size line");
        assertBad("0\r\nX-T: " + "a".repeat(100) + "\r\n\r\n", "trailer is larger than 64 bytes");
    }

    private void assertBad(String body, String message) {
        framer.resetChunked();
        assertThatThrownBy(() -> feed(body, 1000)).as(body).isInstanceOfSatisfying(Http1ParseException.class, e ->
                assertThat(e.getMessage()).contains(message));
    }

    @Test
    void untilCloseTakesEverything() throws Exception {
        framer.resetUntilClose();
        assertThat(feed("a".repeat(1000), 100)).isEqualTo(1000);
        assertThat(framer.done()).isFalse();
        assertThat(framer.untilClose()).isTrue();
        assertThat(framer.payloadBytes()).isEqualTo(1000);
    }
}
