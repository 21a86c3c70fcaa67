package io.meshlens.proxy.internal.http1;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.meshlens.proxy.internal.conn.Upstreams;
import io.meshlens.proxy.metrics.Direction;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;

/**
 * Keep-alive HTTP/1.1 upstream connections, pooled per event loop, direction and target so that
 * an exchange and its upstream share a thread (no locks, no hand-offs). Idle connections are
 * closed by one periodic sweep per loop after the idle timeout, and never pooled while draining.
 */
public final class Http1UpstreamPool {
    /** Receives an upstream connection or the failure to open one. */
    interface Callback {
        void onUpstream(Channel upstream);

        void onUpstreamFailure(Throwable cause);
    }

    private static final int MAX_IDLE_PER_TARGET = 256;

    private final Upstreams upstreams;
    private final long idleTimeoutNanos;
    private final BooleanSupplier draining;
    private final ConcurrentHashMap<EventLoop, Loop[]> loops = new ConcurrentHashMap<>();

    public Http1UpstreamPool(Upstreams upstreams, Duration idleTimeout, BooleanSupplier draining) {
        this.upstreams = upstreams;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.draining = draining;
    }

    /** The most recently idled live connection to {@code target}, else a new one. */
    void acquire(EventLoop loop, Direction direction, InetSocketAddress target, Callback cb) {
        loop(loop, direction).acquire(target, cb);
    }

    /** Returns a reusable connection to its loop's pool. */
    void release(Channel ch, Direction direction, InetSocketAddress target) {
        loop(ch.eventLoop(), direction).release(ch, target);
    }

    private Loop loop(EventLoop loop, Direction d) {
        Loop[] ls = loops.get(loop);
        if (ls == null) {
            ls = loops.computeIfAbsent(loop, k -> new Loop[] {new Loop(k, Direction.INBOUND), new Loop(k, Direction.OUTBOUND)});
        }
        return ls[d.ordinal()];
    }

    /** State confined to one event loop. */
    private final class Loop {
        private final EventLoop loop;
        private final Map<InetSocketAddress, ArrayDeque<Channel>> idle = new HashMap<>();
        private final Bootstrap bootstrap;
        private boolean sweepScheduled;

        Loop(EventLoop loop, Direction direction) {
            this.loop = loop;
            this.bootstrap = upstreams.bootstrap(loop, direction, Http1UpstreamHandler::new);
        }

        void acquire(InetSocketAddress target, Callback cb) {
            ArrayDeque<Channel> q = idle.get(target);
            if (q != null) {
                Channel ch;
                while ((ch = q.pollLast()) != null) {
                    ch.pipeline().get(Http1UpstreamHandler.class).leavePool();
                    if (ch.isActive()) {
                        cb.onUpstream(ch);
                        return;
                    }
                }
            }
            upstreams.connect(bootstrap, target).addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    cb.onUpstream(f.channel());
                } else {
                    cb.onUpstreamFailure(f.cause());
                }
            });
        }

        void release(Channel ch, InetSocketAddress target) {
            Http1UpstreamHandler h = ch.pipeline().get(Http1UpstreamHandler.class);
            ArrayDeque<Channel> q = idle.computeIfAbsent(target, k -> new ArrayDeque<>());
            if (h == null || q.size() >= MAX_IDLE_PER_TARGET || draining.getAsBoolean()) {
                ch.close();
                return;
            }
            h.enterPool(q); // the handler takes the channel out of the pool when it closes
            q.addLast(ch);
            ch.read(); // notices the upstream closing (or misbehaving) while idle
            if (!sweepScheduled) {
                scheduleSweep();
            }
        }

        /**
         * Closes pooled connections idle for longer than the idle timeout: one periodic task per
         * loop instead of an idle-state handler (and its per-write listener) on every connection.
         */
        private void scheduleSweep() {
            sweepScheduled = true;
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), idleTimeoutNanos / 4);
            loop.schedule(this::sweep, period, TimeUnit.NANOSECONDS);
        }

        private void sweep() {
            sweepScheduled = false;
            long now = System.nanoTime();
            boolean any = false;
            for (ArrayDeque<Channel> q : idle.values()) {
                for (Channel ch : q.toArray(new Channel[0])) {
                    Http1UpstreamHandler h = ch.pipeline().get(Http1UpstreamHandler.class);
                    if (h == null || now - h.idleSince() >= idleTimeoutNanos) {
                        q.remove(ch);
                        ch.close();
                    }
                }
                any |= !q.isEmpty();
            }
            if (any) {
                scheduleSweep();
            }
        }
    }
}
