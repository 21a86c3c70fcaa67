package io.meshlens.proxy.internal.http2;

import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
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
    static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");
    private static final AsciiString GRPC_CONTENT_TYPE = AsciiString.cached("application/grpc");

    private H2Messages() {}

    static boolean isGrpc(Http2Headers h) {
        CharSequence ct = h.get(HttpHeaderNames.CONTENT_TYPE);
        return ct != null && AsciiString.regionMatches(ct, true, 0, GRPC_CONTENT_TYPE, 0, GRPC_CONTENT_TYPE.length());
    }

    /**
     * A {@code grpc-timeout} value (1 to 8 digits and a unit: H, M, S, m, u, n) in nanoseconds,
     * -1 when absent or malformed.
     */
    static long grpcTimeoutNanos(CharSequence v) {
        if (v == null || v.length() < 2 || v.length() > 9) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        switch (v.charAt(v.length() - 1)) {
            case 'H': return TimeUnit.HOURS.toNanos(n);
            case 'M': return TimeUnit.MINUTES.toNanos(n);
            case 'S': return TimeUnit.SECONDS.toNanos(n);
            case 'm': return TimeUnit.MILLISECONDS.toNanos(n);
            case 'u': return TimeUnit.MICROSECONDS.toNanos(n);
            case 'n': return n;
            default: return -1;
        }
    }

    /**
     * Why a request's pseudo-headers make it malformed (RFC 9113 8.3.1), null when they do not:
     * {@code :method}, {@code :scheme} and a non-empty {@code :path} are required (CONNECT: only
     * {@code :method} and {@code :authority}), {@code :status} belongs to responses. Netty's
     * decoder has already refused unknown pseudo-headers and pseudo-headers after fields.
     */
    static String malformedRequest(Http2Headers h) {
        CharSequence method = h.method();
        if (method == null || method.length() == 0) {
            return "no :method";
        }
        if (h.status() != null) {
            return ":status in a request";
        }
        if (AsciiString.contentEquals(HttpMethod.CONNECT.asciiName(), method)) {
            return h.authority() == null ? "CONNECT without :authority" : null;
        }
        if (h.scheme() == null || h.scheme().length() == 0) {
            return "no :scheme";
        }
        CharSequence path = h.path();
        return path == null || path.length() == 0 ? "no :path" : null;
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
