package io.meshlens.proxy.internal.http2;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * What the frame-level HTTP/2 path reads from headers. Headers are otherwise forwarded
 * untouched: Netty's decoders already reject connection-specific headers (RFC 9113 section
 * 8.2.2) on both sides, so there is nothing hop-by-hop left to strip, and {@code :authority}
 * stays as the caller sent it.
 */
final class H2Messages {
    static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    private static final AsciiString GRPC_CONTENT_TYPE = AsciiString.cached("application/grpc");

    private H2Messages() {}

    static boolean isGrpc(Http2Headers h) {
        CharSequence ct = h.get(HttpHeaderNames.CONTENT_TYPE);
        return ct != null && AsciiString.regionMatches(ct, true, 0, GRPC_CONTENT_TYPE, 0, GRPC_CONTENT_TYPE.length());
    }

    /** {@code :status} as a number, -1 if missing or not three digits. */
    static int status(Http2Headers h) {
        CharSequence s = h.status();
        if (s == null || s.length() != 3) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
