package io.meshlens.proxy.internal;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;

/**
 * Upstream HTTP/2 connections of the frame-level path: one shared multiplexed connection per
 * target, direction and event loop, so that an exchange and both of its connections share a
 * thread (no locks, no hand-offs). A connection that received GOAWAY, ran out of stream ids or
 * closed is replaced by a new one for the next request; its streams in flight finish on it.
 */
final class H2UpstreamPool {
    private final ProxyContext proxy;
    private final ConcurrentHashMap<EventLoop, Loop[]> loops = new ConcurrentHashMap<>();

    H2UpstreamPool(ProxyContext proxy) {
        this.proxy = proxy;
    }

    void acquire(EventLoop loop, Direction direction, InetSocketAddress target, H2UpstreamConnection.Waiter w) {
        Loop[] ls = loops.get(loop);
        if (ls == null) {
            ls = loops.computeIfAbsent(loop, k -> new Loop[] {new Loop(k, Direction.INBOUND), new Loop(k, Direction.OUTBOUND)});
        }
        ls[direction.ordinal()].acquire(target, w);
    }

    /** State confined to one event loop. */
    private final class Loop {
        private final Direction direction;
        private final Map<InetSocketAddress, H2UpstreamConnection> current = new HashMap<>();
        private final Bootstrap bootstrap;

        Loop(EventLoop loop, Direction direction) {
            this.direction = direction;
            this.bootstrap = new Bootstrap().group(loop).channel(Transport.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                            (int) Math.min(Integer.MAX_VALUE, proxy.config.connectTimeout().toMillis()));
        }

        void acquire(InetSocketAddress target, H2UpstreamConnection.Waiter w) {
            H2UpstreamConnection c = current.get(target);
            if (c == null || !c.usable()) {
                c = connect(target);
            }
            c.whenReady(w);
        }

        private H2UpstreamConnection connect(InetSocketAddress target) {
            H2UpstreamConnection c = H2UpstreamConnection.create(Math.max(proxy.config.maxHeaderSize(), 8192));
            current.put(target, c);
            Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    if (direction == Direction.OUTBOUND) {
                        ch.pipeline().addLast(new TcpMetricsHandler(proxy.metrics, Direction.OUTBOUND, ProxyError.UPSTREAM_RESET));
                    }
                    ch.pipeline().addLast(c);
                }
            });
            var source = proxy.config.sourceAddress();
            ChannelFuture f = source == null ? b.connect(target) : b.connect(target, new InetSocketAddress(source, 0));
            f.addListener((ChannelFuture cf) -> {
                if (!cf.isSuccess()) {
                    current.remove(target, c);
                    c.failed(cf.cause());
                    return;
                }
                cf.channel().closeFuture().addListener(x -> current.remove(target, c));
                // a target that accepts TCP but never speaks HTTP/2 must not hold requests forever
                long ms = proxy.config.connectTimeout().toMillis();
                cf.channel().eventLoop().schedule(() -> {
                    if (!c.isReadyOrFailed()) {
                        c.failed(new ConnectTimeoutException("no HTTP/2 SETTINGS from " + ConnectionInfo.format(target)
                                + " within " + ms + "ms"));
                        cf.channel().close();
                    }
                }, ms, TimeUnit.MILLISECONDS);
            });
            return c;
        }
    }
}
