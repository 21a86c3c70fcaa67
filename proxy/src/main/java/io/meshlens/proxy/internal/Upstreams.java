package io.meshlens.proxy.internal;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Upstream connections, kept per event loop so that an exchange and its upstream share a thread
 * (no locks, no hand-offs): an HTTP/1.1 keep-alive pool per target, and one multiplexed HTTP/2
 * connection per target. Upstream connections bind to the configured source address.
 */
final class Upstreams {
    /** Receives an upstream channel (HTTP/1 connection or HTTP/2 stream) or the failure. */
    interface Callback {
        void onUpstream(Channel upstream);

        void onUpstreamFailure(Throwable cause);
    }

    private final ProxyContext proxy;
    private final ConcurrentHashMap<EventLoop, Loop[]> loops = new ConcurrentHashMap<>();

    Upstreams(ProxyContext proxy) {
        this.proxy = proxy;
    }

    void acquire(EventLoop loop, Direction direction, InetSocketAddress target, boolean h2, Callback cb) {
        Loop l = loop(loop, direction);
        if (h2) {
            l.acquireH2(target, cb);
        } else {
            l.acquireH1(target, cb);
        }
    }

    /**
     * Acquires a byte-forwarding HTTP/1 connection (no HTTP codec: {@link Http1UpstreamHandler}
     * only), from the loop's pool when one is idle. These have their own pool: the codec-based
     * connections above cannot be shared with them.
     */
    void acquireHttp1Bytes(EventLoop loop, Direction direction, InetSocketAddress target, Callback cb) {
        loop(loop, direction).acquireBytes(target, cb);
    }

    /** Returns a reusable byte-forwarding HTTP/1 connection to its loop's pool. */
    void releaseHttp1Bytes(Channel ch, Direction direction, InetSocketAddress target) {
        loop(ch.eventLoop(), direction).releaseBytes(ch, target);
    }

    /** Returns a reusable HTTP/1 connection to its loop's pool. */
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
        private final Direction direction;
        private final Map<InetSocketAddress, ArrayDeque<Channel>> idle = new HashMap<>();
        private final Map<InetSocketAddress, H2Connection> h2 = new HashMap<>();
        private final Bootstrap h1Bootstrap;
        private final Bootstrap h2Bootstrap;
        private final Map<InetSocketAddress, ArrayDeque<Channel>> idleBytes = new HashMap<>();
        private final Bootstrap bytesBootstrap;
        private boolean sweepScheduled;

        Loop(EventLoop loop, Direction direction) {
            this.loop = loop;
            this.direction = direction;
            this.h1Bootstrap = bootstrap(false);
            this.h2Bootstrap = bootstrap(true);
            this.bytesBootstrap = bytesBootstrap();
        }

        private Bootstrap bytesBootstrap() {
            var cfg = proxy.config;
            return new Bootstrap().group(loop).channel(Transport.socketChannel())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cfg.connectTimeout().toMillis()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (direction == Direction.OUTBOUND) {
                                ch.pipeline().addLast(new TcpMetricsHandler(proxy.metrics, Direction.OUTBOUND, ProxyError.UPSTREAM_RESET));
                            }
                            ch.pipeline().addLast(new Http1UpstreamHandler());
                        }
                    });
        }

        void acquireBytes(InetSocketAddress target, Callback cb) {
            acquire(idleBytes.get(target), bytesBootstrap, target, cb);
        }

        void releaseBytes(Channel ch, InetSocketAddress target) {
            Http1UpstreamHandler h = ch.pipeline().get(Http1UpstreamHandler.class);
            ArrayDeque<Channel> q = idleBytes.computeIfAbsent(target, k -> new ArrayDeque<>());
            if (h == null || q.size() >= 256 || proxy.draining) {
                ch.close();
                return;
            }
            h.pool = q; // the handler takes the channel out of the pool when it closes
            h.idleSince = System.nanoTime();
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
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), proxy.config.idleTimeout().toNanos() / 4);
            loop.schedule(this::sweep, period, TimeUnit.NANOSECONDS);
        }

        private void sweep() {
            sweepScheduled = false;
            long now = System.nanoTime();
            long limit = proxy.config.idleTimeout().toNanos();
            boolean any = false;
            for (ArrayDeque<Channel> q : idleBytes.values()) {
                for (Channel ch : q.toArray(new Channel[0])) {
                    Http1UpstreamHandler h = ch.pipeline().get(Http1UpstreamHandler.class);
                    if (h == null || now - h.idleSince >= limit) {
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

        private Bootstrap bootstrap(boolean isH2) {
            var cfg = proxy.config;
            return new Bootstrap().group(loop).channel(Transport.socketChannel())
                    .option(ChannelOption.AUTO_READ, isH2)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cfg.connectTimeout().toMillis()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (direction == Direction.OUTBOUND) {
                                ch.pipeline().addLast(new TcpMetricsHandler(proxy.metrics, Direction.OUTBOUND, ProxyError.UPSTREAM_RESET));
                            }
                            if (isH2) {
                                Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                                        .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                                                .maxHeaderListSize(Math.max(cfg.maxHeaderSize(), 8192)))
                                        .build();
                                ch.pipeline().addLast(codec);
                                ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                    }
                                });
                            } else {
                                ch.pipeline().addLast(new HttpClientCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(cfg.maxInitialLineLength())
                                        .setMaxHeaderSize(Math.max(cfg.maxHeaderSize(), 8192))
                                        .setMaxChunkSize(64 * 1024), false, false));
                                ch.pipeline().addLast(new IdleStateHandler(0, 0, cfg.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                                ch.pipeline().addLast(new UpstreamHandler());
                            }
                        }
                    });
        }

        private ChannelFuture connect(Bootstrap b, InetSocketAddress target) {
            var source = proxy.config.sourceAddress();
            return source == null ? b.connect(target) : b.connect(target, new InetSocketAddress(source, 0));
        }

        void acquireH1(InetSocketAddress target, Callback cb) {
            acquire(idle.get(target), h1Bootstrap, target, cb);
        }

        /** The most recently idled live connection of {@code q}, else a new one from {@code b}. */
        private void acquire(ArrayDeque<Channel> q, Bootstrap b, InetSocketAddress target, Callback cb) {
            if (q != null) {
                Channel ch;
                while ((ch = q.pollLast()) != null) {
                    leavePool(ch);
                    if (ch.isActive()) {
                        cb.onUpstream(ch);
                        return;
                    }
                }
            }
            connect(b, target).addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    cb.onUpstream(f.channel());
                } else {
                    cb.onUpstreamFailure(f.cause());
                }
            });
        }

        /** Tells the channel's handler (byte path or codec path) that it no longer sits in an idle queue. */
        private void leavePool(Channel ch) {
            Http1UpstreamHandler bytes = ch.pipeline().get(Http1UpstreamHandler.class);
            if (bytes != null) {
                bytes.pool = null;
                return;
            }
            UpstreamHandler codec = ch.pipeline().get(UpstreamHandler.class);
            if (codec != null) {
                codec.pool = null;
            }
        }

        void release(Channel ch, InetSocketAddress target) {
            ArrayDeque<Channel> q = idle.computeIfAbsent(target, k -> new ArrayDeque<>());
            if (q.size() >= 256 || proxy.draining) {
                ch.close();
                return;
            }
            UpstreamHandler h = ch.pipeline().get(UpstreamHandler.class);
            if (h == null) {
                ch.close();
                return;
            }
            // The handler takes the channel out of the pool when it closes. (A closeFuture
            // listener per release piled up one listener per request on a long-lived connection.)
            h.pool = q;
            q.addLast(ch);
            ch.read(); // notices the upstream closing (or misbehaving) while idle
        }

        void acquireH2(InetSocketAddress target, Callback cb) {
            H2Connection c = h2.get(target);
            if (c == null || !c.usable()) {
                c = new H2Connection(target);
                h2.put(target, c);
                H2Connection conn = c;
                conn.future = connect(h2Bootstrap, target);
                conn.future.addListener((ChannelFuture f) -> conn.connected(f));
            }
            c.open(cb);
        }

        /** One shared, multiplexed HTTP/2 connection to a target. */
        private final class H2Connection {
            final InetSocketAddress target;
            ChannelFuture future;
            boolean goAway;
            List<Callback> waiters = new ArrayList<>();

            H2Connection(InetSocketAddress target) {
                this.target = target;
            }

            boolean usable() {
                return !goAway && (!future.isDone() || (future.isSuccess() && future.channel().isActive()));
            }

            void connected(ChannelFuture f) {
                List<Callback> w = waiters;
                waiters = null;
                if (!f.isSuccess()) {
                    h2.remove(target, this);
                    for (Callback cb : w) {
                        cb.onUpstreamFailure(f.cause());
                    }
                    return;
                }
                Http2FrameCodec codec = f.channel().pipeline().get(Http2FrameCodec.class);
                codec.connection().addListener(new Http2ConnectionAdapter() {
                    @Override
                    public void onGoAwayReceived(int lastStreamId, long errorCode, ByteBuf debugData) {
                        goAway = true;
                        h2.remove(target, H2Connection.this);
                    }
                });
                f.channel().closeFuture().addListener(x -> h2.remove(target, this));
                for (Callback cb : w) {
                    openStream(f.channel(), cb);
                }
            }

            void open(Callback cb) {
                if (waiters != null) {
                    waiters.add(cb);
                } else {
                    openStream(future.channel(), cb);
                }
            }

            private void openStream(Channel parent, Callback cb) {
                new Http2StreamChannelBootstrap(parent).handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.config().setAutoRead(false);
                        ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false, true));
                        ch.pipeline().addLast(new UpstreamHandler());
                    }
                }).open().addListener(f -> {
                    if (f.isSuccess()) {
                        cb.onUpstream((Channel) f.getNow());
                    } else {
                        cb.onUpstreamFailure(f.cause());
                    }
                });
            }
        }
    }
}
