package io.meshlens.proxy.internal.http1;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;

/**
 * {@code Upgrade: h2c} (RFC 7540 section 3.2), how the JDK HttpClient and {@code curl --http2}
 * reach HTTP/2 over cleartext. The HTTP/1 handler answers {@code 101} and hands the connection to
 * the frame-level HTTP/2 path, where the upgrade request continues as stream 1. Only requests
 * without a body are upgraded (a server may ignore {@code Upgrade}, RFC 9110), so that nothing
 * of the request is buffered; a request with a body simply stays on HTTP/1.1.
 */
final class H2cUpgrade {
    private static final byte[] H2C = ascii("h2c");
    private static final byte[] HTTP2_SETTINGS = ascii("http2-settings");
    private static final byte[] TE = ascii("te");
    private static final byte[] TRAILERS = ascii("trailers");
    private static final byte[] SWITCHING = ascii("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");

    private H2cUpgrade() {}

    /**
     * The client's settings if the head starting at {@code b}'s reader index asks for h2c and can
     * be upgraded (HTTP/1.1, no body, valid {@code HTTP2-Settings}), else null.
     */
    static Http2Settings requested(ByteBuf b, Http1HeadParser p) {
        if (p.version() != 11 || p.chunked() || p.transferEncoding() || p.contentLength() > 0) {
            return null;
        }
        int base = b.readerIndex();
        boolean h2c = false;
        String settings = null;
        for (int i = 0; i < p.headerCount(); i++) {
            if (p.kind(i) == Http1HeadParser.UPGRADE) {
                h2c |= hasToken(b, base + p.valueStart(i), base + p.valueEnd(i));
            } else if (Http1HeadParser.equalsIgnoreCase(b, base, p.nameStart(i), p.nameEnd(i), HTTP2_SETTINGS)) {
                settings = b.toString(base + p.valueStart(i), p.valueEnd(i) - p.valueStart(i), StandardCharsets.US_ASCII);
            }
        }
        return h2c && settings != null ? decodeSettings(settings) : null;
    }

    static ByteBuf switchingProtocols(ByteBufAllocator alloc) {
        return alloc.buffer(SWITCHING.length).writeBytes(SWITCHING);
    }

    /** The upgrade request as HTTP/2 headers: pseudo-headers first, connection-specific headers left out. */
    static Http2Headers requestHeaders(ByteBuf b, Http1HeadParser p) {
        int base = b.readerIndex();
        Http2Headers h = new DefaultHttp2Headers()
                .method(new AsciiString(text(b, base, 0, p.methodLength())))
                .scheme(AsciiString.cached("http"))
                .path(new AsciiString(text(b, base, p.targetStart(), p.targetEnd())));
        if (p.hostIndex() >= 0) {
            h.authority(new AsciiString(text(b, base, p.valueStart(p.hostIndex()), p.valueEnd(p.hostIndex()))));
        }
        for (int i = 0; i < p.headerCount(); i++) {
            int k = p.kind(i);
            if (p.dropped(i) || k == Http1HeadParser.HOST || k == Http1HeadParser.TRANSFER_ENCODING
                || Http1HeadParser.equalsIgnoreCase(b, base, p.nameStart(i), p.nameEnd(i), HTTP2_SETTINGS)) {
                continue;
            }
            boolean te = Http1HeadParser.equalsIgnoreCase(b, base, p.nameStart(i), p.nameEnd(i), TE);
            if (te && !Http1HeadParser.equalsIgnoreCase(b, base, p.valueStart(i), p.valueEnd(i), TRAILERS)) {
                continue;
            }
            h.add(new AsciiString(text(b, base, p.nameStart(i), p.nameEnd(i))).toLowerCase(),
                  new AsciiString(text(b, base, p.valueStart(i), p.valueEnd(i))));
        }
        return h;
    }

    private static byte[] text(ByteBuf b, int base, int s, int e) {
        byte[] out = new byte[e - s];
        b.getBytes(base + s, out);
        return out;
    }

    private static boolean hasToken(ByteBuf b, int s, int e) {
        int i = s;
        while (i < e) {
            int comma = i;
            while (comma < e && b.getByte(comma) != ',') {
                comma++;
            }
            int ts = i;
            int te = comma;
            while (ts < te && b.getByte(ts) <= ' ') {
                ts++;
            }
            while (te > ts && b.getByte(te - 1) <= ' ') {
                te--;
            }
            if (Http1HeadParser.equalsIgnoreCase(b, 0, ts, te, H2C)) {
                return true;
            }
            i = comma + 1;
        }
        return false;
    }

    /** The settings of an {@code HTTP2-Settings} value (base64url SETTINGS payload), null if malformed. */
    static Http2Settings decodeSettings(String value) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (raw.length % 6 != 0) {
            return null;
        }
        Http2Settings s = new Http2Settings();
        try {
            for (int i = 0; i < raw.length; i += 6) {
                char id = (char) (((raw[i] & 0xff) << 8) | (raw[i + 1] & 0xff));
                long v = ((long) (raw[i + 2] & 0xff) << 24) | ((raw[i + 3] & 0xff) << 16)
                         | ((raw[i + 4] & 0xff) << 8) | (raw[i + 5] & 0xff);
                s.put(id, Long.valueOf(v));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return s;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
