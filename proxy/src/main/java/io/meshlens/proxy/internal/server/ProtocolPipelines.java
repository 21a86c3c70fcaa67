package io.meshlens.proxy.internal.server;

import java.net.InetSocketAddress;

import io.meshlens.proxy.internal.conn.Channels;
import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.internal.http1.H2cHandoff;
import io.meshlens.proxy.internal.http1.Http1ServerHandler;
import io.meshlens.proxy.internal.http2.H2CallerConnection;
import io.meshlens.proxy.internal.tcp.TcpForwarder;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * Installs the per-protocol pipeline on an accepted connection once its protocol is known: one
 * path per protocol, HTTP/1 as bytes, HTTP/2 as frames (also after an h2c upgrade), opaque TCP.
 */
final class ProtocolPipelines implements H2cHandoff {
    private final ProxyContext proxy;
    private final Listener listener;
    private final ConnectionInfo conn;

    ProtocolPipelines(ProxyContext proxy, Listener listener, ConnectionInfo conn) {
        this.proxy = proxy;
        this.listener = listener;
        this.conn = conn;
    }

    void http1(ChannelPipeline p) {
        p.addLast("h1", new Http1ServerHandler(proxy.http, proxy.http1Upstreams, listener, conn,
                proxy.config.h2cUpgrade() ? this : null));
    }

    void http2(ChannelPipeline p) {
        p.addLast(H2CallerConnection.PACER, H2CallerConnection.pacer());
        p.addLast(H2CallerConnection.NAME, H2CallerConnection.create(proxy.http, proxy.http2Upstreams, listener, conn));
    }

    @Override
    public void upgrade(ChannelHandlerContext ctx, Http2Settings settings, Http2Headers request) {
        H2CallerConnection h2 = H2CallerConnection.create(proxy.http, proxy.http2Upstreams, listener, conn);
        ChannelPipeline p = ctx.pipeline();
        // in place of the HTTP/1 handler, which passes on what it read after the upgrade request
        p.addAfter(ctx.name(), H2CallerConnection.NAME, h2);
        p.addAfter(ctx.name(), H2CallerConnection.PACER, H2CallerConnection.pacer());
        p.remove(ctx.handler());
        try {
            h2.upgrade(settings, request);
        } catch (Http2Exception e) {
            Channels.markCloseError(ctx.channel(), ProxyError.PROTOCOL_ERROR);
            ctx.channel().close();
        }
    }

    void opaque(ChannelPipeline p) {
        InetSocketAddress target = listener.fixedTarget();
        InetSocketAddress od = listener.originalDestination(conn.channel());
        if (od != null) {
            target = od;
        }
        if (target == null) {
            Channels.markCloseError(conn.channel(), ProxyError.NO_ROUTE);
            conn.channel().close();
            return;
        }
        p.addLast("tcp-forward", new TcpForwarder(proxy.upstreams, listener.direction(), target));
    }
}
