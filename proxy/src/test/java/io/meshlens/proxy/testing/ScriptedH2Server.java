package io.meshlens.proxy.testing;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * An HTTP/2 (h2c prior knowledge) upstream whose behaviour is chosen by the request path, and
 * which records what the proxy did to it: {@code /big} streams {@link #BIG} bytes (counting the
 * bytes its flow controller actually let out), {@code /reset-after-headers} answers 200 then
 * resets with ENHANCE_YOUR_CALM, {@code /reset-before-headers} resets with INTERNAL_ERROR,
 * {@code /hang} never answers, {@code /bad-length} sends 2 bytes after {@code content-length: 10}, {@code /goaway} sends GOAWAY(last stream = this one) then answers,
 * {@code /refuse-on-first-connection} is refused by a GOAWAY on the first connection only,
 * {@code /slow} answers after 20 ms, {@code /slower} after 2 s; anything else answers 200 with {@code x-path}.
 */
public final class ScriptedH2Server implements AutoCloseable {
    public static final int BIG = 8 * 1024 * 1024;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    public final AtomicInteger connections = new AtomicInteger();
    public final AtomicInteger closedConnections = new AtomicInteger();
    public final AtomicInteger active = new AtomicInteger();
    public final AtomicInteger maxActive = new AtomicInteger();
    public final AtomicLong bigBytesSent = new AtomicLong();
    public final Queue<Long> resetsReceived = new ConcurrentLinkedQueue<>();

    /** @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS, or 0 for the default */
    public ScriptedH2Server(int maxConcurrentStreams) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        int index = connections.incrementAndGet();
                        ch.closeFuture().addListener(f -> closedConnections.incrementAndGet());
                        Http2Settings s = Http2Settings.defaultSettings();
                        if (maxConcurrentStreams > 0) {
                            s.maxConcurrentStreams(maxConcurrentStreams);
                        }
                        Handler h = new Builder().initialSettings(s).build();
                        h.index = index;
                        ch.pipeline().addLast(h);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private final class Handler extends Http2ConnectionHandler {
        int index;

        Handler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            super(decoder, encoder, settings);
            decoder.frameListener(new Frames());
            connection().addListener(new Http2ConnectionAdapter() {
                @Override
                public void onStreamActive(Http2Stream stream) {
                    maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                }

                @Override
                public void onStreamClosed(Http2Stream stream) {
                    active.decrementAndGet();
                }
            });
        }

        private void respond(ChannelHandlerContext ctx, int id, String path) {
            Http2Headers h = new DefaultHttp2Headers().status("200").set("x-path", path);
            encoder().writeHeaders(ctx, id, h, 0, false, ctx.newPromise());
            encoder().writeData(ctx, id, Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8), 0, true, ctx.newPromise());
            flush(ctx);
        }

        private final class Frames extends Http2FrameAdapter {
            @Override
            public void onHeadersRead(ChannelHandlerContext ctx, int id, Http2Headers headers, int dep, short weight,
                                      boolean exclusive, int padding, boolean endStream) {
                onHeadersRead(ctx, id, headers, padding, endStream);
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext ctx, int id, Http2Headers headers, int padding, boolean endStream) {
                String path = String.valueOf(headers.path());
                switch (path) {
                    case "/big" -> {
                        encoder().writeHeaders(ctx, id, new DefaultHttp2Headers().status("200"), 0, false, ctx.newPromise());
                        int chunk = 16 * 1024;
                        for (int sent = 0; sent < BIG; sent += chunk) {
                            ByteBuf b = ctx.alloc().buffer(chunk).writeZero(chunk);
                            encoder().writeData(ctx, id, b, 0, sent + chunk >= BIG, ctx.newPromise().addListener(f -> {
                                if (f.isSuccess()) {
                                    bigBytesSent.addAndGet(chunk);
                                }
                            }));
                        }
                        flush(ctx);
                    }
                    case "/reset-after-headers" -> {
                        encoder().writeHeaders(ctx, id, new DefaultHttp2Headers().status("200"), 0, false, ctx.newPromise());
                        resetStream(ctx, id, Http2Error.ENHANCE_YOUR_CALM.code(), ctx.newPromise());
                        flush(ctx);
                    }
                    case "/reset-before-headers" -> {
                        resetStream(ctx, id, Http2Error.INTERNAL_ERROR.code(), ctx.newPromise());
                        flush(ctx);
                    }
                    case "/hang" -> { }
                    case "/bad-length" -> {
                        encoder().writeHeaders(ctx, id, new DefaultHttp2Headers().status("200").setInt("content-length", 10),
                                0, false, ctx.newPromise());
                        encoder().writeData(ctx, id, Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8), 0, true,
                                ctx.newPromise());
                        flush(ctx);
                    }
                    case "/goaway" -> {
                        goAway(ctx, id, Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER, ctx.newPromise());
                        respond(ctx, id, path);
                    }
                    case "/refuse-on-first-connection" -> {
                        if (index == 1) { // GOAWAY below this stream: it was provably not processed
                            goAway(ctx, Math.max(0, id - 2), Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER, ctx.newPromise());
                            flush(ctx);
                        } else {
                            respond(ctx, id, path);
                        }
                    }
                    case "/slow" -> ctx.executor().schedule(() -> respond(ctx, id, path), 20, TimeUnit.MILLISECONDS);
                    case "/slower" -> ctx.executor().schedule(() -> respond(ctx, id, path), 2, TimeUnit.SECONDS);
                    default -> respond(ctx, id, path);
                }
            }

            @Override
            public void onRstStreamRead(ChannelHandlerContext ctx, int id, long errorCode) {
                resetsReceived.add(errorCode);
            }
        }
    }

    private final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Handler, Builder> {
        Builder() {
            server(true);
        }

        @Override
        protected Builder initialSettings(Http2Settings settings) {
            return super.initialSettings(settings);
        }

        @Override
        protected Handler build() {
            return super.build();
        }

        @Override
        protected Handler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            return new Handler(decoder, encoder, settings);
        }
    }
}
