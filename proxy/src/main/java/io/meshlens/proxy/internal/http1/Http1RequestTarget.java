package io.meshlens.proxy.internal.http1;

import java.nio.charset.StandardCharsets;

import io.meshlens.proxy.internal.http.Authority;
import io.netty.buffer.ByteBuf;

/**
 * What an HTTP/1 request addresses, read from its parsed head: the method, the normalised
 * authority (from an absolute-form target, else {@code Host}) and, for an absolute-form target
 * ({@code GET http://host/path}, a forward-proxy request), where its origin-form part starts.
 * One per connection: the authority is cached by its raw bytes, so a connection that names the
 * same host on every request (the usual case) allocates no string for it.
 */
final class Http1RequestTarget {
    private static final byte[] HTTP_SCHEME = "http://".getBytes(StandardCharsets.US_ASCII);

    private byte[] lastRaw = new byte[0];
    private String lastAuthority = "";

    String method;
    /** Normalised {@code host:port}, "" when the request names none. */
    String authority;
    /** Start of the origin-form part of an absolute-form target (relative to the head), else -1. */
    int originStart;
    /** The raw authority of an absolute-form target (it replaces the request's {@code Host}), else null. */
    String absoluteAuthority;

    /** Reads the head that starts at {@code b}'s reader index, as parsed by {@code p}. */
    void read(ByteBuf b, Http1HeadParser p) {
        int base = b.readerIndex();
        method = method(b, base, p.methodLength());
        int ts = base + p.targetStart();
        int te = base + p.targetEnd();
        int as;
        int ae;
        originStart = -1;
        absoluteAuthority = null;
        if (te - ts >= 7 && Ascii.equalsIgnoreCase(b, ts, 0, 7, HTTP_SCHEME)) {
            int end = ts + 7;
            int at = -1;
            while (end < te && b.getByte(end) != '/' && b.getByte(end) != '?') {
                if (b.getByte(end) == '@') {
                    at = end; // user info is not part of the authority
                }
                end++;
            }
            as = at >= 0 ? at + 1 : ts + 7;
            ae = end;
            originStart = end - base;
            absoluteAuthority = b.toString(as, ae - as, StandardCharsets.ISO_8859_1);
        } else if (p.hostIndex() >= 0) {
            as = base + p.valueStart(p.hostIndex());
            ae = base + p.valueEnd(p.hostIndex());
        } else {
            authority = "";
            return;
        }
        authority = authority(b, as, ae);
    }

    /** The request target as sent (for routes and the tap). */
    static String path(ByteBuf b, Http1HeadParser p) {
        int base = b.readerIndex();
        return b.toString(base + p.targetStart(), p.targetEnd() - p.targetStart(), StandardCharsets.ISO_8859_1);
    }

    /** Common methods as constants (compared by identity for HEAD), others as new strings. */
    private static String method(ByteBuf b, int base, int len) {
        byte c = b.getByte(base);
        if (len == 3 && c == 'G' && b.getByte(base + 1) == 'E' && b.getByte(base + 2) == 'T') {
            return "GET";
        }
        if (len == 4 && c == 'P' && b.getByte(base + 1) == 'O' && b.getByte(base + 2) == 'S' && b.getByte(base + 3) == 'T') {
            return "POST";
        }
        if (len == 4 && c == 'H' && b.getByte(base + 1) == 'E' && b.getByte(base + 2) == 'A' && b.getByte(base + 3) == 'D') {
            return "HEAD";
        }
        return b.toString(base, len, StandardCharsets.ISO_8859_1);
    }

    /** Normalised authority of the raw bytes [s, e), allocating only when they differ from the last. */
    private String authority(ByteBuf b, int s, int e) {
        int len = e - s;
        byte[] last = lastRaw;
        if (last.length == len) {
            int i = 0;
            while (i < len && b.getByte(s + i) == last[i]) {
                i++;
            }
            if (i == len) {
                return lastAuthority;
            }
        }
        byte[] raw = new byte[len];
        b.getBytes(s, raw);
        lastRaw = raw;
        lastAuthority = Authority.normalize(new String(raw, StandardCharsets.ISO_8859_1), 80);
        return lastAuthority;
    }
}
