package io.meshlens.proxy.internal.http1;

import java.util.Deque;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The proxy's end of a byte-forwarding HTTP/1 upstream connection: hands what the upstream
 * sends, its read-batch ends, its writability and its close to the exchange that owns the
 * connection. A pooled connection has no owner; anything it receives (or an error) closes it,
 * which also takes it out of the pool.
 */
final class Http1UpstreamHandler extends ChannelInboundHandlerAdapter {
    /** The exchange using this connection. */
    interface Owner {
        void onUpstreamData(ByteBuf data);

        void onUpstreamReadComplete();

        void onUpstreamWritable();

        /** {@code cause} is null for a close without an exception. */
        void onUpstreamClosed(Throwable cause);
    }

    private Owner owner;
    /** When the connection went back to the pool (System.nanoTime()), for the idle sweep. */
    private long idleSince;
    /** The pool queue holding this connection while it is idle, else null. */
    private Deque<Channel> pool;

    void enterPool(Deque<Channel> queue) {
        pool = queue;
        idleSince = System.nanoTime();
    }

    void leavePool() {
        pool = null;
    }

    long idleSince() {
        return idleSince;
    }

    void attach(Owner o) {
        owner = o;
    }

    void detach() {
        owner = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Owner o = owner;
        if (o != null && msg instanceof ByteBuf) {
            o.onUpstreamData((ByteBuf) msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Owner o = owner;
        if (o != null) {
            o.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Owner o = owner;
        if (o != null && ctx.channel().isWritable()) {
            o.onUpstreamWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pool != null) {
            pool.remove(ctx.channel());
            pool = null;
        }
        Owner o = owner;
        owner = null;
        if (o != null) {
            o.onUpstreamClosed(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Owner o = owner;
        owner = null;
        if (o != null) {
            o.onUpstreamClosed(cause);
        }
        ctx.close();
    }
}
