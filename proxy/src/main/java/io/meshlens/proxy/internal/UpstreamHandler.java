package io.meshlens.proxy.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The upstream end of an exchange (an HTTP/1 connection or an HTTP/2 stream): hands what the
 * upstream sends to the exchange that currently owns it. An idle pooled connection that receives
 * anything, fails or times out is closed (and so leaves the pool).
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private HttpExchangeHandler owner;
    /** The pool queue holding this connection while it is idle, else null. */
    java.util.Deque<io.netty.channel.Channel> pool;

    void attach(HttpExchangeHandler exchange) {
        owner = exchange;
    }

    void detach() {
        owner = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        HttpExchangeHandler o = owner;
        if (o != null) {
            o.onUpstreamRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        HttpExchangeHandler o = owner;
        if (o != null) {
            o.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pool != null) {
            pool.remove(ctx.channel());
            pool = null;
        }
        HttpExchangeHandler o = owner;
        owner = null;
        if (o != null) {
            o.onUpstreamClosed(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        HttpExchangeHandler o = owner;
        owner = null;
        if (o != null) {
            o.onUpstreamClosed(cause);
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && owner == null) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
