package io.meshlens.proxy.internal;

import java.nio.charset.StandardCharsets;

import io.meshlens.proxy.metrics.ProxyError;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Responses the proxy itself sends when it cannot get one from upstream: a clear plain-text body. */
final class ErrorResponses {
    /** Header naming the error class, so callers and tests can tell proxy errors from app errors. */
    static final String ERROR_HEADER = "meshlens-proxy-error";

    private ErrorResponses() {}

    static int statusFor(ProxyError error) {
        switch (error) {
            case CONNECT_TIMEOUT: case RESPONSE_TIMEOUT: return 504;
            case OVERLOADED: return 503;
            case REQUEST_TIMEOUT: return 408;
            default: return 502;
        }
    }

    /** The plain-text body of a proxy error response. */
    static byte[] body(ProxyError error, String detail) {
        return ("meshlens proxy: " + error.label() + ": " + detail + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The same response as {@link #create} as HTTP/1.1 bytes, for the byte-forwarding path (which
     * has no HTTP encoder); it always closes the connection.
     */
    static ByteBuf http1(ByteBufAllocator alloc, int status, ProxyError error, byte[] body) {
        String head = "HTTP/1.1 " + HttpResponseStatus.valueOf(status) + "\r\n"
                + "content-type: text/plain; charset=utf-8\r\n"
                + "content-length: " + body.length + "\r\n"
                + ERROR_HEADER + ": " + error.label() + "\r\n"
                + "connection: close\r\n\r\n";
        ByteBuf b = alloc.buffer(head.length() + body.length);
        b.writeCharSequence(head, StandardCharsets.US_ASCII);
        b.writeBytes(body);
        return b;
    }

    static FullHttpResponse create(ByteBufAllocator alloc, int status, ProxyError error, String detail, boolean close) {
        byte[] text = body(error, detail);
        ByteBuf body = alloc.buffer(text.length).writeBytes(text);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        r.headers().set(ERROR_HEADER, error.label());
        if (close) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }
}
