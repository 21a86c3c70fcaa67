package io.meshlens.proxy.internal.http1;

import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The request half of the HTTP/1 byte path, one per caller connection and reused for each
 * exchange: the head parsed in place, what the exchange needs from it (method, authority, path,
 * keep-alive), the head to send upstream, and the body's framing.
 */
final class Http1Request {
    private final Http1HeadParser head;
    private final Http1BodyFramer body;
    private final Http1RequestTarget target = new Http1RequestTarget();
    private ByteBuf headOut;
    private String path;
    private String traceId;
    private boolean keepAlive;
    private boolean headRequest;

    Http1Request(int maxInitialLineLength, int maxHeaderSize) {
        this.head = new Http1HeadParser(true, maxInitialLineLength, maxHeaderSize);
        this.body = new Http1BodyFramer(maxHeaderSize);
    }

    /** Parses (more of) the head at {@code in}'s reader index: its length once complete, else -1. */
    int parseHead(ByteBuf in) throws Http1ParseException {
        return head.parse(in);
    }

    /** The parsed head, until {@link #start} consumes it. */
    Http1HeadParser head() {
        return head;
    }

    /**
     * Starts an exchange with the complete head of {@code headLength} bytes at {@code in}'s
     * reader index: reads what the exchange needs, prepares the head to send and the body's
     * framing, and consumes the head.
     *
     * @param needPath whether to build the path (a route table or a tap needs it; it allocates)
     * @param callerAddressed the authority the caller connected to, for a request without {@code Host}
     */
    void start(ByteBufAllocator alloc, ByteBuf in, int headLength, boolean needPath, Supplier<String> callerAddressed) {
        target.read(in, head);
        headRequest = "HEAD".equals(target.method);
        keepAlive = head.keepAlive();
        path = needPath ? Http1RequestTarget.path(in, head) : null;
        traceId = head.traceId(in);
        if (head.chunked()) {
            body.resetChunked();
        } else {
            body.resetLength(Math.max(0, head.contentLength()));
        }
        headOut = Http1HeadWriter.request(alloc, in, head, headLength, target, callerAddressed);
        in.skipBytes(headLength);
        head.reset();
    }

    String method() { return target.method; }
    String authority() { return target.authority; }
    /** Null unless asked for. */
    String path() { return path; }
    /** The trace id of the request's {@code traceparent} or B3 header, null without one. */
    String traceId() { return traceId; }
    boolean keepAlive() { return keepAlive; }
    boolean headRequest() { return headRequest; }

    /** The head to send upstream; the caller owns it now. */
    ByteBuf takeHead() {
        ByteBuf h = headOut;
        headOut = null;
        return h;
    }

    /** How many of {@code in}'s readable bytes belong to the body (consuming nothing). */
    int scanBody(ByteBuf in) throws Http1ParseException {
        return body.scan(in);
    }

    boolean bodyDone() { return body.done(); }
    long bodyBytes() { return body.payloadBytes(); }

    void release() {
        if (headOut != null) {
            headOut.release();
            headOut = null;
        }
    }
}
