package io.meshlens.proxy.internal.conn;

import java.io.IOException;
import java.net.InetSocketAddress;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.meshlens.proxy.metrics.TcpMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts a connection's open/close and bytes at the head of its pipeline. Observes only: it
 * never changes what flows, and a failure in recording never reaches the connection.
 */
public final class TcpMetricsHandler extends ChannelDuplexHandler {
    private final ProxyMetrics metrics;
    private final Direction direction;
    /** Error recorded when the peer resets this connection. */
    private final ProxyError resetError;
    private TcpMetrics tcp;

    public TcpMetricsHandler(ProxyMetrics metrics, Direction direction, ProxyError resetError) {
        this.metrics = metrics;
        this.direction = direction;
        this.resetError = resetError;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            opened(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        opened(ctx);
        super.channelActive(ctx);
    }

    private void opened(ChannelHandlerContext ctx) {
        if (tcp != null) {
            return;
        }
        try {
            var remote = ctx.channel().remoteAddress();
            tcp = metrics.tcp(direction, ConnectionInfo.ip(remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null));
            tcp.opened();
        } catch (RuntimeException e) {
            metrics.recordFailed(e);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tcp != null) {
            long n = msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes()
                    : msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content().readableBytes() : 0;
            if (n > 0) {
                tcp.read(n);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (tcp != null && msg instanceof ByteBuf) {
            int n = ((ByteBuf) msg).readableBytes();
            if (n > 0) {
                tcp.written(n);
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            Channels.markCloseError(ctx.channel(), resetError);
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (tcp != null) {
            try {
                tcp.closed(Channels.closeError(ctx.channel()));
            } catch (RuntimeException e) {
                metrics.recordFailed(e);
            }
            tcp = null;
        }
        super.channelInactive(ctx);
    }
}
