package io.meshlens.proxy.internal.http1;

import io.netty.buffer.ByteBuf;

/**
 * Finds where an HTTP/1 message body ends without changing a byte of it, so that bodies are
 * forwarded as they arrive: a {@code Content-Length} countdown, chunked framing tracked by a
 * small state machine (chunk sizes, extensions, CRLFs, trailers), or "until the connection
 * closes" for a response without a length. It also counts the payload bytes (chunk framing
 * excluded), the figure the proxy's byte metrics report. Reused per connection via the
 * {@code reset*} methods.
 */
final class Http1BodyFramer {
    private enum State { DONE, LENGTH, UNTIL_CLOSE, SIZE, SIZE_WS, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LF }

    private static final int MAX_SIZE_LINE = 4096;

    private final int maxTrailerSize;
    private State state = State.DONE;
    private long remaining;
    private long payloadBytes;
    private int digits;
    private int lineBytes;
    private int trailerBytes;

    Http1BodyFramer(int maxTrailerSize) {
        this.maxTrailerSize = maxTrailerSize;
    }

    /** A body of exactly {@code length} bytes (0: no body). */
    void resetLength(long length) {
        payloadBytes = 0;
        remaining = length;
        state = length == 0 ? State.DONE : State.LENGTH;
    }

    void resetChunked() {
        payloadBytes = 0;
        startSize();
    }

    /** A response body delimited by the connection's close. */
    void resetUntilClose() {
        payloadBytes = 0;
        state = State.UNTIL_CLOSE;
    }

    boolean done() {
        return state == State.DONE;
    }

    boolean untilClose() {
        return state == State.UNTIL_CLOSE;
    }

    /** Payload bytes seen so far (chunk sizes, extensions, CRLFs and trailers excluded). */
    long payloadBytes() {
        return payloadBytes;
    }

    /**
     * Scans {@code buf}'s readable bytes (consuming nothing) and returns how many of them belong
     * to the body; the rest, if any, follows the body (a pipelined message).
     */
    int scan(ByteBuf buf) throws Http1ParseException {
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        int i = start;
        while (i < end) {
            switch (state) {
                case DONE:
                    return i - start;
                case UNTIL_CLOSE:
                    payloadBytes += end - i;
                    return end - start;
                case LENGTH:
                case DATA: {
                    int n = (int) Math.min(remaining, end - i);
                    i += n;
                    remaining -= n;
                    payloadBytes += n;
                    if (remaining == 0) {
                        state = state == State.LENGTH ? State.DONE : State.DATA_CR;
                    }
                    break;
                }
                default:
                    chunkFraming(buf.getByte(i++));
                    break;
            }
        }
        return i - start;
    }

    private void startSize() {
        state = State.SIZE;
        remaining = 0;
        digits = 0;
        lineBytes = 0;
    }

    private void chunkFraming(byte b) throws Http1ParseException {
        switch (state) {
            case SIZE: {
                int d = hex(b);
                if (d >= 0) {
                    if (++digits > 15) {
                        throw bad("chunk size too large");
                    }
                    remaining = remaining * 16 + d;
                } else if (digits == 0) {
                    throw bad("invalid chunk size");
                } else if (b == ';') {
                    state = State.EXTENSION;
                } else if (b == ' ' || b == '\t') {
                    state = State.SIZE_WS;
                } else {
                    sizeLineEnd(b);
                }
                break;
            }
            case SIZE_WS:
                if (b == ';') {
                    state = State.EXTENSION;
                } else if (b != ' ' && b != '\t') {
                    sizeLineEnd(b);
                }
                break;
            case EXTENSION:
                if (++lineBytes > MAX_SIZE_LINE) {
                    throw bad("chunk extension too long");
                }
                if (b == '\r') {
                    state = State.SIZE_LF;
                } else if (b == '\n') {
                    sizeDone();
                }
                break;
            case SIZE_LF:
                if (b != '\n') {
                    throw bad("invalid chunk size line");
                }
                sizeDone();
                break;
            case DATA_CR:
                if (b == '\r') {
                    state = State.DATA_LF;
                } else if (b == '\n') {
                    startSize();
                } else {
                    throw bad("chunk data not followed by CRLF");
                }
                break;
            case DATA_LF:
                if (b != '\n') {
                    throw bad("chunk data not followed by CRLF");
                }
                startSize();
                break;
            case TRAILER:
                if (b == '\r') {
                    state = State.TRAILER_LF;
                } else if (b == '\n') {
                    trailerLineEnd();
                } else if (++lineBytes + trailerBytes > maxTrailerSize) {
                    throw new Http1ParseException(431, "HTTP trailer is larger than " + maxTrailerSize + " bytes.");
                }
                break;
            case TRAILER_LF:
                if (b != '\n') {
                    throw bad("invalid trailer line");
                }
                trailerLineEnd();
                break;
            default:
                throw new IllegalStateException(state.name());
        }
    }

    private void sizeLineEnd(byte b) throws Http1ParseException {
        if (b == '\r') {
            state = State.SIZE_LF;
        } else if (b == '\n') {
            sizeDone();
        } else {
            throw bad("invalid chunk size");
        }
    }

    private void sizeDone() {
        if (remaining == 0) {
            state = State.TRAILER;
            lineBytes = 0;
            trailerBytes = 0;
        } else {
            state = State.DATA;
        }
    }

    private void trailerLineEnd() {
        if (lineBytes == 0) {
            state = State.DONE;
        } else {
            trailerBytes += lineBytes;
            lineBytes = 0;
            state = State.TRAILER;
        }
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int l = b | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    private static Http1ParseException bad(String what) {
        return new Http1ParseException(400, "malformed chunked body: " + what);
    }
}
