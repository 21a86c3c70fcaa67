package io.meshlens.proxy.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Any bytes as an HTTP/1 request or response head, arriving in any pieces: the parser either
 * finds a complete head or refuses it with its own {@link Http1ParseException} (never another
 * exception, never a read past what arrived), whatever the split, and what it reports lies
 * inside the head. Inputs replay from {@code Http1HeadParserFuzzTestInputs};
 * {@code scripts/fuzz.sh http1-head} fuzzes for as long as wanted.
 */
class Http1HeadParserFuzzTest {
    private static final int MAX_LINE = 256;
    private static final int MAX_HEADERS = 512;

    /** One parse: the head length (-1 incomplete) or the refusal's status. */
    private record Outcome(int length, int refusedWith) {}

    @FuzzTest
    void anyHeadInAnyPiecesIsParsedOrRefusedTheSameWay(FuzzedDataProvider data) {
        boolean request = data.consumeBoolean();
        int pieces = data.consumeInt(1, 8);
        int[] cuts = new int[pieces];
        for (int i = 0; i < pieces; i++) {
            cuts[i] = data.consumeInt(0, 64);
        }
        byte[] bytes = data.consumeRemainingAsBytes();

        Http1HeadParser whole = new Http1HeadParser(request, MAX_LINE, MAX_HEADERS);
        ByteBuf all = Unpooled.wrappedBuffer(bytes);
        Outcome once = parse(whole, all);

        Http1HeadParser split = new Http1HeadParser(request, MAX_LINE, MAX_HEADERS);
        ByteBuf growing = Unpooled.buffer(bytes.length);
        Outcome inPieces = new Outcome(-1, 0);
        int at = 0;
        for (int i = 0; at < bytes.length && inPieces.length() < 0 && inPieces.refusedWith() == 0; i++) {
            int n = i < pieces ? Math.min(cuts[i], bytes.length - at) : bytes.length - at;
            growing.writeBytes(bytes, at, n);
            at += n;
            inPieces = parse(split, growing);
        }
        if (inPieces.length() < 0 && inPieces.refusedWith() == 0 && at < bytes.length) {
            growing.writeBytes(bytes, at, bytes.length - at);
            inPieces = parse(split, growing);
        }
        assertThat(inPieces).as("the same head however it arrives").isEqualTo(once);
        if (once.length() > 0) {
            checkInside(whole, once.length(), all.readableBytes());
        }
        all.release();
        growing.release();
    }

    private static Outcome parse(Http1HeadParser p, ByteBuf buf) {
        try {
            return new Outcome(p.parse(buf), 0);
        } catch (Http1ParseException e) {
            assertThat(e.status()).isIn(400, 414, 431);
            assertThat(e.getMessage()).isNotBlank();
            return new Outcome(-1, e.status());
        }
    }

    private static void checkInside(Http1HeadParser p, int length, int readable) {
        assertThat(length).isBetween(1, readable);
        assertThat(p.blankLine()).isBetween(0, length - 1);
        assertThat(p.version()).isIn(10, 11);
        for (int i = 0; i < p.headerCount(); i++) {
            assertThat(p.nameStart(i)).isLessThan(p.nameEnd(i));
            assertThat(p.nameEnd(i)).isLessThanOrEqualTo(p.valueStart(i));
            assertThat(p.valueStart(i)).isLessThanOrEqualTo(p.valueEnd(i));
            assertThat(p.valueEnd(i)).isLessThanOrEqualTo(p.blankLine());
        }
        if (p.hostIndex() >= 0) {
            assertThat(p.hostIndex()).isLessThan(p.headerCount());
        }
        assertThat(p.contentLength()).isGreaterThanOrEqualTo(-1);
        if (p.chunked()) {
            assertThat(p.transferEncoding()).isTrue();
        }
        if (p.transferEncoding()) {
            assertThat(p.contentLength()).as("Transfer-Encoding leaves no Content-Length to frame by").isEqualTo(-1);
        }
    }
}
