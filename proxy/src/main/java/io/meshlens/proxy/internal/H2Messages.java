package io.meshlens.proxy.internal;

import java.nio.charset.StandardCharsets;

import io.meshlens.proxy.metrics.ProxyError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * What the frame-level HTTP/2 path reads from headers, and the responses the proxy itself sends.
 * Headers are otherwise forwarded untouched: Netty's decoders already reject connection-specific
 * headers (RFC 9113 section 8.2.2) on both sides, so there is nothing hop-by-hop left to strip, and
 * {@code :authority} stays as the caller sent it.
 */
final class H2Messages {
    private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    private static final AsciiString GRPC_CONTENT_TYPE = AsciiString.cached("application/grpc");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
    private static final AsciiString ERROR_HEADER = AsciiString.cached(ErrorResponses.ERROR_HEADER);

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

    /** The gRPC status code (0-16) of {@code grpc-status}, -1 if absent or invalid. */
    static int grpcStatus(Http2Headers h) {
        CharSequence s = h.get(GRPC_STATUS);
        if (s == null) {
            return -1;
        }
        if (s.length() == 1) {
            char c = s.charAt(0);
            return c >= '0' && c <= '9' ? c - '0' : -1;
        }
        if (s.length() == 2 && s.charAt(0) == '1' && s.charAt(1) >= '0' && s.charAt(1) <= '6') {
            return 10 + s.charAt(1) - '0';
        }
        return -1;
    }

    static String text(CharSequence s) {
        return s == null ? "" : s.toString();
    }

    static ByteBuf errorBody(ByteBufAllocator alloc, ProxyError error, String detail) {
        String text = "meshlens proxy: " + error.label() + ": " + detail + "\n";
        ByteBuf body = alloc.buffer(text.length());
        body.writeCharSequence(text, StandardCharsets.UTF_8);
        return body;
    }

    static Http2Headers errorHeaders(int status, ProxyError error, int contentLength) {
        return new DefaultHttp2Headers()
                .status(AsciiString.of(Integer.toString(status)))
                .set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, contentLength)
                .set(ERROR_HEADER, error.label());
    }
}
