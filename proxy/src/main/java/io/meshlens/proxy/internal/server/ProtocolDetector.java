package io.meshlens.proxy.internal.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.meshlens.proxy.internal.conn.Channels;
import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.internal.http.ErrorResponses;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Peeks at a new connection's first bytes and installs the matching pipeline: the HTTP/2
 * preface (h2c prior knowledge), an HTTP/1 method token, or else opaque TCP. A client that
 * sends nothing within the detect timeout (a server-speaks-first protocol) is opaque too.
 * The peeked bytes are handed to the installed pipeline when this handler removes itself.
 */
final class ProtocolDetector extends ByteToMessageDecoder {
    static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_METHOD = 20;

    enum Kind { HTTP1, HTTP2, OPAQUE, BAD_PREFACE, NEED_MORE }

    private final ProxyContext proxy;
    private final Listener listener;
    private final ConnectionInfo conn;
    private ScheduledFuture<?> timeout;

    ProtocolDetector(ProxyContext proxy, Listener listener, ConnectionInfo conn) {
        this.proxy = proxy;
        this.listener = listener;
        this.conn = conn;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            if (!ctx.isRemoved()) {
                install(ctx, Kind.OPAQUE);
            }
        }, proxy.config.detectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        Kind kind = classify(in);
        if (kind == Kind.NEED_MORE) {
            ctx.read();
            return;
        }
        install(ctx, kind);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    private void install(ChannelHandlerContext ctx, Kind kind) {
        ProtocolPipelines p = new ProtocolPipelines(proxy, listener, conn);
        switch (kind) {
            case HTTP1: p.http1(ctx.pipeline()); break;
            case HTTP2: p.http2(ctx.pipeline()); break;
            case BAD_PREFACE:
                Channels.markCloseError(ctx.channel(), ProxyError.PROTOCOL_ERROR);
                proxy.http.recordConnectionError(listener, conn, Protocol.HTTP2, ProxyError.PROTOCOL_ERROR, 400);
                ctx.pipeline().remove(this);
                ctx.writeAndFlush(ErrorResponses.http1(ctx.alloc(), 400, ProxyError.PROTOCOL_ERROR,
                        ErrorResponses.body(ProxyError.PROTOCOL_ERROR, "bad HTTP/2 preface")))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            default: p.opaque(ctx.pipeline()); break;
        }
        ctx.pipeline().remove(this);
    }

    /** Classifies the first bytes of a connection without consuming them. */
    static Kind classify(ByteBuf in) {
        int n = in.readableBytes();
        int r = in.readerIndex();
        if (n == 0) {
            return Kind.NEED_MORE;
        }
        int m = Math.min(n, H2_PREFACE.length);
        int i = 0;
        while (i < m && in.getByte(r + i) == H2_PREFACE[i]) {
            i++;
        }
        if (i == m) {
            return n >= H2_PREFACE.length ? Kind.HTTP2 : Kind.NEED_MORE;
        }
        if (i >= 4) { // "PRI " then something else: a broken HTTP/2 preface
            return Kind.BAD_PREFACE;
        }
        for (int j = 0; j < Math.min(n, MAX_METHOD + 1); j++) {
            byte b = in.getByte(r + j);
            if (b == ' ' && j > 0) {
                return Kind.HTTP1;
            }
            if (!(b >= 'A' && b <= 'Z') && b != '-' && b != '_') {
                return Kind.OPAQUE;
            }
        }
        return n > MAX_METHOD ? Kind.OPAQUE : Kind.NEED_MORE;
    }
}
