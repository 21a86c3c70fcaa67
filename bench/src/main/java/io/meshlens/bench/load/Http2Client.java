package io.meshlens.bench.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;

/**
 * HTTP/2 prior-knowledge (h2c) client: every request is a new stream on one of a few
 * connections (round robin), so a due request never waits for a previous response, unless the
 * server's stream limit is reached on that connection.
 */
final class Http2Client implements LoadClient {
    private final EventLoop loop;
    private final Results results;
    private final Http2Headers headers;
    private final List<Conn> conns = new ArrayList<>();
    private final AtomicLong inFlight = new AtomicLong();
    private int next;

    Http2Client(EventLoopGroup group, URI uri, String authority, int connections, Results results)
            throws InterruptedException {
        this.loop = group.next();
        this.results = results;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        headers = new DefaultHttp2Headers().method("GET").scheme("http").path(path)
                .authority(authority != null ? authority : uri.getAuthority());
        InetSocketAddress addr = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
        Bootstrap b = new Bootstrap().group(loop).channel(Netty.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // Streams above the server's SETTINGS_MAX_CONCURRENT_STREAMS wait in the
                        // codec's buffer for a free slot (as h2load and browsers do) instead of
                        // failing; their latency still counts from the intended send time.
                        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                                .initialSettings(Http2Settings.defaultSettings().initialWindowSize(1 << 20))
                                .encoderEnforceMaxConcurrentStreams(true)
                                .build();
                        ch.pipeline().addLast(codec, new Conn());
                    }
                });
        for (int i = 0; i < Math.max(1, connections); i++) {
            Channel ch = b.connect(addr).sync().channel();
            conns.add(ch.pipeline().get(Conn.class));
        }
    }

    @Override
    public void send(long intendedNanos) {
        results.sent();
        inFlight.incrementAndGet();
        loop.execute(() -> {
            Conn c = conns.get(next++ % conns.size());
            c.send(intendedNanos);
        });
    }

    @Override
    public long inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        for (Conn c : conns) {
            c.ctx.close().syncUninterruptibly();
        }
    }

    private final class Conn extends Http2ChannelDuplexHandler {
        private final Map<Http2FrameStream, long[]> open = new HashMap<>(); // stream -> {intended, status}
        private ChannelHandlerContext ctx;

        @Override
        protected void handlerAdded0(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void send(long intendedNanos) {
            if (!ctx.channel().isActive()) {
                inFlight.decrementAndGet();
                results.failed(intendedNanos);
                return;
            }
            Http2FrameStream s = newStream();
            open.put(s, new long[] {intendedNanos, 0});
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true).stream(s)).addListener(f -> {
                if (!f.isSuccess() && open.remove(s) != null) {
                    inFlight.decrementAndGet();
                    results.failed(intendedNanos);
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    long[] st = open.get(h.stream());
                    if (st != null && h.headers().status() != null) {
                        st[1] = Integer.parseInt(h.headers().status().toString());
                    }
                    if (h.isEndStream()) {
                        finish(h.stream());
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    if (d.initialFlowControlledBytes() > 0) {
                        ctx.write(new DefaultHttp2WindowUpdateFrame(d.initialFlowControlledBytes()).stream(d.stream()));
                    }
                    if (d.isEndStream()) {
                        finish(d.stream());
                    }
                    ctx.flush();
                } else if (msg instanceof Http2ResetFrame r) {
                    long[] st = open.remove(r.stream());
                    if (st != null) {
                        inFlight.decrementAndGet();
                        results.status(0);
                        results.failed(st[0]);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void finish(Http2FrameStream s) {
            long[] st = open.remove(s);
            if (st != null) {
                inFlight.decrementAndGet();
                results.status((int) st[1]);
                results.completed(st[0], System.nanoTime(), st[1] >= 200 && st[1] < 300);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            for (long[] st : open.values()) {
                inFlight.decrementAndGet();
                results.failed(st[0]);
            }
            open.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
