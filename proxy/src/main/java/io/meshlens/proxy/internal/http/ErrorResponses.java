package io.meshlens.proxy.internal.http;

import java.nio.charset.StandardCharsets;

import io.meshlens.proxy.metrics.ProxyError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * The responses the proxy sends itself when it cannot get one from upstream, the same on every
 * path: a plain-text body {@code meshlens proxy: <error>: <detail>} and a
 * {@value #ERROR_HEADER} header naming the error class, so that callers and tests can tell proxy
 * errors from app errors. HTTP/1 responses always close the connection.
 */
public final class ErrorResponses {
    public static final String ERROR_HEADER = "meshlens-proxy-error";
    private static final AsciiString ERROR_HEADER_NAME = AsciiString.cached(ERROR_HEADER);
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");

    private ErrorResponses() {}

    /** The plain-text body of a proxy error response. */
    public static byte[] body(ProxyError error, String detail) {
        return ("meshlens proxy: " + error.label() + ": " + detail + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The whole HTTP/1.1 response as bytes. */
    public static ByteBuf http1(ByteBufAllocator alloc, int status, ProxyError error, byte[] body) {
        String head = "HTTP/1.1 " + HttpResponseStatus.valueOf(status) + "\r\n"
                + "content-type: " + TEXT_PLAIN + "\r\n"
                + "content-length: " + body.length + "\r\n"
                + ERROR_HEADER + ": " + error.label() + "\r\n"
                + "connection: close\r\n\r\n";
        ByteBuf b = alloc.buffer(head.length() + body.length);
        b.writeCharSequence(head, StandardCharsets.US_ASCII);
        b.writeBytes(body);
        return b;
    }

    /** The HTTP/2 response headers for a body of {@code contentLength} bytes. */
    public static Http2Headers http2Headers(int status, ProxyError error, int contentLength) {
        return new DefaultHttp2Headers()
                .status(AsciiString.of(Integer.toString(status)))
                .set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, contentLength)
                .set(ERROR_HEADER_NAME, error.label());
    }
}
