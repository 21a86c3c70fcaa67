package io.meshlens.proxy.internal.http1;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * Continues an HTTP/1.1 connection that was upgraded to h2c on the frame-level HTTP/2 path: put
 * in place of the HTTP/1 handler by whoever assembles the pipeline, so that the protocols do not
 * know each other.
 */
public interface H2cHandoff {
    /**
     * Replaces the HTTP/1 handler of {@code ctx} with the HTTP/2 path, whose stream 1 is the
     * upgrade request.
     *
     * @param settings the client's {@code HTTP2-Settings}
     * @param request the upgrade request as HTTP/2 headers (it has no body)
     */
    void upgrade(ChannelHandlerContext ctx, Http2Settings settings, Http2Headers request);
}
