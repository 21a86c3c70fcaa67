package io.meshlens.proxy.internal;

import java.net.InetSocketAddress;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Opaque TCP: relays bytes between the caller and the target in both directions, Netty proxy
 * example style (AUTO_READ off, read after each successful write, close via closeOnFlush).
 * Only connection and byte metrics apply.
 */
final class TcpForwarder extends ChannelInboundHandlerAdapter {
    private final ListenerContext lc;
    private final InetSocketAddress target;
    private Channel upstream;
    private final java.util.ArrayDeque<Object> early = new java.util.ArrayDeque<>(2);

    TcpForwarder(ListenerContext lc, InetSocketAddress target) {
        this.lc = lc;
        this.target = target;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel in = ctx.channel();
        // TCP half-close is relayed: EOF from one side becomes a FIN (shutdownOutput) to the other.
        in.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        var cfg = lc.proxy.config;
        Bootstrap b = new Bootstrap().group(in.eventLoop()).channel(Transport.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cfg.connectTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (lc.direction == Direction.OUTBOUND) {
                            ch.pipeline().addLast(new TcpMetricsHandler(lc.proxy.metrics, Direction.OUTBOUND, ProxyError.UPSTREAM_RESET));
                        }
                        ch.pipeline().addLast(new Backend(in));
                    }
                });
        var source = cfg.sourceAddress();
        ChannelFuture f = source == null ? b.connect(target) : b.connect(target, new InetSocketAddress(source, 0));
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
                ProxyError e = cf.cause() instanceof io.netty.channel.ConnectTimeoutException
                        ? ProxyError.CONNECT_TIMEOUT : ProxyError.CONNECT_REFUSED;
                in.attr(ProxyContext.CLOSE_ERROR).compareAndSet(null, e);
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
            HttpExchangeHandler.closeOnFlush(upstream);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.channel().attr(ProxyContext.CLOSE_ERROR).compareAndSet(null, ProxyError.DOWNSTREAM_RESET);
        HttpExchangeHandler.closeOnFlush(ctx.channel());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            halfClose(ctx.channel(), upstream);
        } else if (evt != ProxyContext.DrainEvent.INSTANCE) {
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
            if (in.isActive()) {
                in.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            in.attr(ProxyContext.CLOSE_ERROR).compareAndSet(null, ProxyError.UPSTREAM_RESET);
            HttpExchangeHandler.closeOnFlush(ctx.channel());
        }
    }
}
