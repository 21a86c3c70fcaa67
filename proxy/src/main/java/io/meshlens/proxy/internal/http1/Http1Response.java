package io.meshlens.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;

/**
 * The response half of the HTTP/1 byte path, one per caller connection and reused for each
 * exchange: parses the upstream's response head in place, passes informational heads on, writes
 * the final head with only hop-by-hop parts changed ({@link Http1HeadWriter}) and splices the body
 * through while {@link Http1BodyFramer} finds where it ends. A small body leaves in one buffer with
 * its head. The caller is read again only while it is writable (backpressure), and writes made
 * during an upstream read batch are flushed once at its end.
 */
final class Http1Response {
    /** What the exchange decides and learns as the response goes by. */
    interface Exchange {
        /** The final head arrived; returns whether the caller's connection closes after this response. */
        boolean onHead(int status, boolean untilClose);

        void onBodyBytes(long payloadBytes);

        /** The upstream sent something that is not HTTP. */
        void onMalformed(String detail);

        /** The response ended: {@code last} (may be null) is what is left to write. */
        void onEnd(ByteBuf last);
    }

    private final Http1HeadParser head;
    private final Http1BodyFramer body;
    private final Exchange exchange;
    /** Upstream bytes not forwarded yet: a partial response head. */
    private ByteBuf in;
    /** The response head, written with the first body bytes. */
    private ByteBuf headOut;
    private boolean headRequest;
    private boolean started;
    private boolean done;
    private boolean reusable;
    private boolean flushPending;

    Http1Response(int maxInitialLineLength, int maxHeaderSize, Exchange exchange) {
        this.head = new Http1HeadParser(false, maxInitialLineLength, maxHeaderSize);
        this.body = new Http1BodyFramer(maxHeaderSize);
        this.exchange = exchange;
    }

    /** A new exchange: its request was sent, its response has not begun. */
    void reset(boolean headRequest) {
        this.headRequest = headRequest;
        head.reset();
        started = false;
        done = false;
        reusable = false;
    }

    boolean started() { return started; }
    boolean done() { return done; }
    /** Whether the upstream connection may serve another exchange once this one ended. */
    boolean reusable() { return reusable; }

    /** Bytes from the upstream while the exchange is on. */
    void onData(ChannelHandlerContext caller, Channel upstream, ByteBuf data) {
        if (done) {
            reusable = false; // bytes after the response ended: the connection cannot be trusted
            data.release();
            return;
        }
        in = Bytes.append(caller.alloc(), in, data);
        while (!started) {
            int n;
            try {
                n = head.parse(in);
            } catch (Http1ParseException e) {
                reusable = false;
                exchange.onMalformed(e.getMessage());
                return;
            }
            if (n < 0) {
                upstream.read();
                return;
            }
            int code = head.status();
            if (code < 200 && code != 101) {
                // informational (100 Continue, 103): passed on as is; the final head follows
                caller.write(in.retainedSlice(in.readerIndex(), n), caller.voidPromise());
                flushPending = true;
                in.skipBytes(n);
                head.reset();
                if (!in.isReadable()) {
                    releaseInput();
                    upstream.read();
                    return;
                }
                continue;
            }
            start(caller.alloc(), n, code);
        }
        forwardBody(caller, upstream);
    }

    private void start(ByteBufAllocator alloc, int headLength, int code) {
        started = true;
        Http1HeadParser p = head;
        if (headRequest || code == 204 || code == 304) {
            body.resetLength(0);
        } else if (p.chunked()) {
            body.resetChunked();
        } else if (p.transferEncoding() || p.contentLength() < 0) {
            body.resetUntilClose();
        } else {
            body.resetLength(p.contentLength());
        }
        reusable = p.keepAlive() && !body.untilClose() && code != 101;
        boolean close = exchange.onHead(code, body.untilClose() || code == 101);
        int rest = in.readableBytes() - headLength;
        ByteBuf out = alloc.buffer(headLength + 24 + (rest <= 2048 ? rest : 0));
        Http1HeadWriter.writeResponse(in, p, close, out);
        in.skipBytes(headLength);
        p.reset();
        headOut = out;
    }

    private void forwardBody(ChannelHandlerContext caller, Channel upstream) {
        ByteBuf b = in;
        int n = 0;
        if (b != null) {
            try {
                n = body.scan(b);
            } catch (Http1ParseException e) {
                reusable = false;
                exchange.onMalformed(e.getMessage());
                return;
            }
        }
        exchange.onBodyBytes(body.payloadBytes());
        ByteBuf out = headOut;
        headOut = null;
        if (n > 0) {
            if (out != null && out.writableBytes() >= n) {
                out.writeBytes(b, b.readerIndex(), n); // a small body leaves in one buffer with its head
            } else {
                if (out != null) {
                    caller.write(out, caller.voidPromise());
                }
                out = b.retainedSlice(b.readerIndex(), n);
            }
            b.skipBytes(n);
        }
        if (body.done()) {
            if (b != null && b.isReadable()) {
                reusable = false; // the upstream sent more than the response
            }
            releaseInput();
            end(out);
            return;
        }
        if (b != null && !b.isReadable()) {
            releaseInput();
        }
        if (out != null) {
            caller.write(out, caller.voidPromise());
            flushPending = true;
        }
        if (caller.channel().isWritable()) {
            upstream.read(); // else resume() when the caller drained
        }
    }

    private void end(ByteBuf last) {
        done = true;
        flushPending = false;
        exchange.onEnd(last);
    }

    /** The caller became writable again. */
    void resume(Channel upstream) {
        if (started && !done && upstream != null) {
            upstream.read();
        }
    }

    /** End of an upstream read batch: one flush for what it wrote. */
    void flush(ChannelHandlerContext caller) {
        if (flushPending) {
            flushPending = false;
            caller.flush();
        }
    }

    /** Whether the upstream closing ends this response (no length: it runs until the close). */
    boolean framedByClose() {
        return started && !done && body.untilClose();
    }

    /** The upstream closed: ends a response {@link #framedByClose() framed by the close}. */
    void endByClose() {
        reusable = false;
        ByteBuf out = headOut;
        headOut = null;
        end(out);
    }

    private void releaseInput() {
        if (in != null) {
            in.release();
            in = null;
        }
    }

    void release() {
        releaseInput();
        if (headOut != null) {
            headOut.release();
            headOut = null;
        }
    }
}
