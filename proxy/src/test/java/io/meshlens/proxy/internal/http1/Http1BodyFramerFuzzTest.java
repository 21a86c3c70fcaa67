package io.meshlens.proxy.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Any bytes as a chunked body, arriving in any pieces: the framer must end the message exactly
 * where an independent reading of RFC 9112 7.1 ends it ({@link ChunkedReference}), count the
 * same payload, and refuse with its own {@link Http1ParseException} exactly what that reading
 * refuses. A disagreement is request smuggling: bytes the proxy takes for the next request that
 * a server takes for this body, or the other way round. Inputs replay from
 * {@code Http1BodyFramerFuzzTestInputs}; {@code scripts/fuzz.sh http1-framer} fuzzes for as long
 * as wanted.
 */
class Http1BodyFramerFuzzTest {
    private static final int MAX_TRAILER = 256;

    @FuzzTest
    void chunkedBodyEndsWhereTheReferenceEndsIt(FuzzedDataProvider data) {
        int pieces = data.consumeInt(1, 8);
        int[] cuts = new int[pieces];
        for (int i = 0; i < pieces; i++) {
            cuts[i] = data.consumeInt(0, 32);
        }
        byte[] bytes = data.consumeRemainingAsBytes();
        ChunkedReference.Reading expected = ChunkedReference.read(bytes, MAX_TRAILER);

        Http1BodyFramer framer = new Http1BodyFramer(MAX_TRAILER);
        framer.resetChunked();
        int consumed = 0;
        int refused = 0;
        int at = 0;
        for (int i = 0; at < bytes.length && !framer.done() && refused == 0; i++) {
            int n = i < pieces ? Math.min(cuts[i], bytes.length - at) : bytes.length - at;
            ByteBuf piece = Unpooled.wrappedBuffer(bytes, at, n);
            try {
                int taken = framer.scan(piece);
                assertThat(taken).isBetween(0, n);
                if (!framer.done()) {
                    assertThat(taken).as("all of a piece belongs to an unfinished body").isEqualTo(n);
                }
                consumed += taken;
            } catch (Http1ParseException e) {
                assertThat(e.status()).isIn(400, 431);
                refused = e.status();
            }
            at += n;
        }
        switch (expected.outcome()) {
            case COMPLETE -> {
                assertThat(refused).as("refused a body the reference accepts").isZero();
                assertThat(framer.done()).as("done").isTrue();
                assertThat(consumed).as("message end").isEqualTo(expected.end());
                assertThat(framer.payloadBytes()).as("payload bytes").isEqualTo(expected.payload());
            }
            case INCOMPLETE -> {
                assertThat(refused).as("refused a body the reference reads as unfinished").isZero();
                assertThat(framer.done()).as("done before the reference").isFalse();
                assertThat(consumed).isEqualTo(bytes.length);
            }
            case MALFORMED -> {
                assertThat(framer.done()).as("accepted a body the reference refuses").isFalse();
                assertThat(refused).as("refused with a status").isIn(400, 431);
            }
        }
    }

    @FuzzTest
    void lengthBodyEndsAfterItsLength(FuzzedDataProvider data) {
        int length = data.consumeInt(0, 100);
        byte[] bytes = data.consumeRemainingAsBytes();
        Http1BodyFramer framer = new Http1BodyFramer(MAX_TRAILER);
        framer.resetLength(length);
        try {
            int taken = framer.scan(Unpooled.wrappedBuffer(bytes));
            assertThat(taken).isEqualTo(Math.min(length, bytes.length));
            assertThat(framer.done()).isEqualTo(bytes.length >= length);
            assertThat(framer.payloadBytes()).isEqualTo(taken);
        } catch (Http1ParseException e) {
            throw new AssertionError("a Content-Length body has no syntax to refuse", e);
        }
    }
}
