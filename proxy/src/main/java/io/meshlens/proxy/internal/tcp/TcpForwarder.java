package io.meshlens.proxy.internal.tcp;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

import io.meshlens.proxy.internal.conn.Channels;
import io.meshlens.proxy.internal.conn.DrainEvent;
import io.meshlens.proxy.internal.conn.Upstreams;
import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Opaque TCP: relays bytes between the caller and the target in both directions, Netty proxy
 * example style (AUTO_READ off, read after each successful write, close via closeOnFlush).
 * Only connection and byte metrics apply.
 */
public final class TcpForwarder extends ChannelInboundHandlerAdapter {
    private final Upstreams upstreams;
    private final Direction direction;
    private final InetSocketAddress target;
    private Channel upstream;
    private final ArrayDeque<Object> early = new ArrayDeque<>(2);

    public TcpForwarder(Upstreams upstreams, Direction direction, InetSocketAddress target) {
        this.upstreams = upstreams;
        this.direction = direction;
        this.target = target;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel in = ctx.channel();
        // TCP half-close is relayed: EOF from one side becomes a FIN (shutdownOutput) to the other.
        in.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        Bootstrap b = upstreams.bootstrap(in.eventLoop(), direction, () -> new Backend(in))
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ChannelFuture f = upstreams.connect(b, target);
        upstream = f.channel();
        f.addListener((ChannelFuture cf) -> {
            if (cf.isSuccess()) {
                Object m;
                while ((m = early.poll()) != null) {
                    upstream.write(m);
                }
                upstream.flush();
                in.read();
                upstream.read();
            } else {
                Channels.markCloseError(in, cf.cause() instanceof ConnectTimeoutException
                        ? ProxyError.CONNECT_TIMEOUT : ProxyError.CONNECT_REFUSED);
                release();
                in.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!upstream.isActive()) {
            early.add(msg); // bytes peeked during detection, before the upstream connected
            return;
        }
        upstream.writeAndFlush(msg).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                ctx.channel().read();
            } else {
                f.channel().close();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        if (upstream != null) {
            Channels.closeOnFlush(upstream);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Channels.markCloseError(ctx.channel(), ProxyError.DOWNSTREAM_RESET);
        Channels.closeOnFlush(ctx.channel());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            halfClose(ctx.channel(), upstream);
        } else if (evt != DrainEvent.INSTANCE) {
            super.userEventTriggered(ctx, evt);
        }
    }

    /** {@code from} sent FIN: pass it on to {@code to} once queued bytes are out; close when both are done. */
    static void halfClose(Channel from, Channel to) {
        if (to == null || !to.isActive()) {
            from.close();
            return;
        }
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture f) -> {
            if (to instanceof DuplexChannel) {
                DuplexChannel d = (DuplexChannel) to;
                d.shutdownOutput().addListener(x -> {
                    if (d.isInputShutdown() && ((DuplexChannel) from).isOutputShutdown()) {
                        from.close();
                        to.close();
                    }
                });
                if (from instanceof DuplexChannel && ((DuplexChannel) from).isOutputShutdown()) {
                    from.close();
                    to.close();
                }
            } else {
                to.close();
            }
        });
    }

    private void release() {
        Object m;
        while ((m = early.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    /** The target side: relays back to the caller. */
    private static final class Backend extends ChannelInboundHandlerAdapter {
        private final Channel in;

        Backend(Channel in) {
            this.in = in;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            in.writeAndFlush(msg).addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    ctx.channel().read();
                } else {
                    f.channel().close();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                halfClose(ctx.channel(), in);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Channels.closeOnFlush(in);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Channels.markCloseError(in, ProxyError.UPSTREAM_RESET);
            Channels.closeOnFlush(ctx.channel());
        }
    }
}
