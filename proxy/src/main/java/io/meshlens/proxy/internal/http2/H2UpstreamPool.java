package io.meshlens.proxy.internal.http2;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.Upstreams;
import io.meshlens.proxy.metrics.Direction;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;

/**
 * Upstream HTTP/2 connections of the frame-level path: one shared multiplexed connection per
 * target, direction and event loop, so that an exchange and both of its connections share a
 * thread (no locks, no hand-offs). A connection that received GOAWAY, ran out of stream ids or
 * closed is replaced by a new one for the next request; its streams in flight finish on it.
 */
public final class H2UpstreamPool {
    private final Upstreams upstreams;
    private final int maxHeaderListSize;
    private final ConcurrentHashMap<EventLoop, Loop[]> loops = new ConcurrentHashMap<>();

    public H2UpstreamPool(Upstreams upstreams, int maxHeaderListSize) {
        this.upstreams = upstreams;
        this.maxHeaderListSize = maxHeaderListSize;
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
        private final EventLoop loop;
        private final Direction direction;
        private final Map<InetSocketAddress, H2UpstreamConnection> current = new HashMap<>();

        Loop(EventLoop loop, Direction direction) {
            this.loop = loop;
            this.direction = direction;
        }

        void acquire(InetSocketAddress target, H2UpstreamConnection.Waiter w) {
            H2UpstreamConnection c = current.get(target);
            if (c == null || !c.usable()) {
                c = connect(target);
            }
            c.whenReady(w);
        }

        private H2UpstreamConnection connect(InetSocketAddress target) {
            H2UpstreamConnection c = H2UpstreamConnection.create(maxHeaderListSize);
            current.put(target, c);
            ChannelFuture f = upstreams.connect(upstreams.bootstrap(loop, direction, () -> c)
                    .option(ChannelOption.AUTO_READ, true), target);
            f.addListener((ChannelFuture cf) -> {
                if (!cf.isSuccess()) {
                    current.remove(target, c);
                    c.failed(cf.cause());
                    return;
                }
                cf.channel().closeFuture().addListener(x -> current.remove(target, c));
                // a target that accepts TCP but never speaks HTTP/2 must not hold requests forever
                long ms = upstreams.connectTimeoutMillis();
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
