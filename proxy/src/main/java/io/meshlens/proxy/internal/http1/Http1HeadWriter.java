package io.meshlens.proxy.internal.http1;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes a parsed HTTP/1 head onward, copying its bytes and changing only what must change for
 * the next hop: hop-by-hop headers are left out ({@code Connection} and the headers it names,
 * {@code Keep-Alive}, {@code Proxy-Connection}, {@code Upgrade}, {@code Proxy-Authorization}), the
 * version becomes HTTP/1.1, an absolute-form request target becomes origin-form with its
 * authority as the only {@code Host} (RFC 9112 3.2.2: it replaces the caller's), a request without
 * {@code Host} (HTTP/1.0) gets one, and a response that ends the caller's connection says
 * {@code Connection: close}. Header names, values, order and case pass as they came.
 */
final class Http1HeadWriter {
    private static final byte[] HTTP11 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST = "Host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    private Http1HeadWriter() {}

    /**
     * The request head to send upstream for the head of {@code headLength} bytes at {@code in}'s
     * reader index: a slice of it when it can go byte for byte, else a rewritten copy.
     *
     * @param callerAddressed the authority the caller connected to: the {@code Host} of a request
     *                        that names none (HTTP/1.0); asked for only then
     */
    static ByteBuf request(ByteBufAllocator alloc, ByteBuf in, Http1HeadParser p, int headLength, Http1RequestTarget t,
                           Supplier<String> callerAddressed) {
        if (t.originStart < 0 && p.version() == 11 && !p.hasDroppedHeaders() && p.hostIndex() >= 0) {
            return in.retainedSlice(in.readerIndex(), headLength);
        }
        ByteBuf out = alloc.buffer(headLength + 64);
        writeRequest(in, p, t.originStart, t.absoluteAuthority != null ? t.absoluteAuthority : callerAddressed.get(), out);
        return out;
    }

    /**
     * Writes the request head that starts at {@code in}'s reader index into {@code out}.
     *
     * @param originStart start of the origin-form part of an absolute-form target (relative to
     *                    the head), or -1 when the target is already origin-form
     * @param host for an absolute-form target its authority, which replaces the request's
     *             {@code Host}; otherwise the {@code Host} to add when the request has none
     */
    static void writeRequest(ByteBuf in, Http1HeadParser p, int originStart, String host, ByteBuf out) {
        int base = in.readerIndex();
        out.writeBytes(in, base, p.methodLength() + 1);
        if (originStart < 0) {
            out.writeBytes(in, base + p.targetStart(), p.targetEnd() - p.targetStart());
        } else if (originStart >= p.targetEnd()) {
            out.writeByte('/');
        } else {
            if (in.getByte(base + originStart) == '?') {
                out.writeByte('/');
            }
            out.writeBytes(in, base + originStart, p.targetEnd() - originStart);
        }
        out.writeByte(' ');
        out.writeBytes(HTTP11);
        out.writeBytes(CRLF);
        boolean replaceHost = originStart >= 0;
        headers(in, base, p, replaceHost ? p.hostIndex() : -1, out);
        if ((replaceHost || p.hostIndex() < 0) && host != null && !host.isEmpty()) {
            out.writeBytes(HOST);
            out.writeCharSequence(host, StandardCharsets.ISO_8859_1);
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
    }

    /** Writes the response head that starts at {@code in}'s reader index into {@code out}. */
    static void writeResponse(ByteBuf in, Http1HeadParser p, boolean close, ByteBuf out) {
        int base = in.readerIndex();
        int statusLineEnd = p.headerCount() > 0 ? p.nameStart(0) : p.blankLine();
        out.writeBytes(HTTP11);
        out.writeBytes(in, base + 8, statusLineEnd - 8);
        headers(in, base, p, -1, out);
        if (close) {
            out.writeBytes(CONNECTION_CLOSE);
        }
        out.writeBytes(CRLF);
    }

    /** Copies the header lines that are not dropped (nor {@code skip}), contiguous runs in one copy. */
    private static void headers(ByteBuf in, int base, Http1HeadParser p, int skip, ByteBuf out) {
        int n = p.headerCount();
        int runStart = -1;
        for (int i = 0; i < n; i++) {
            if (p.dropped(i) || i == skip) {
                if (runStart >= 0) {
                    out.writeBytes(in, base + runStart, p.nameStart(i) - runStart);
                    runStart = -1;
                }
            } else if (runStart < 0) {
                runStart = p.nameStart(i);
            }
        }
        if (runStart >= 0) {
            out.writeBytes(in, base + runStart, p.blankLine() - runStart);
        }
    }
}
