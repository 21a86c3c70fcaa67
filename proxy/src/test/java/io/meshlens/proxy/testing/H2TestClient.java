package io.meshlens.proxy.testing;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * An h2c prior-knowledge client at frame level, for tests that must see what plain HTTP clients
 * hide: RST_STREAM codes, and a reader that stops returning flow-control credit ({@code autoConsume}
 * off) until {@link #consumeAll()}.
 */
public final class H2TestClient implements AutoCloseable {
    /** What came back on one stream. */
    public static final class Response {
        public final int streamId;
        public final CompletableFuture<Http2Headers> headers = new CompletableFuture<>();
        public final CompletableFuture<Long> reset = new CompletableFuture<>();
        public final CompletableFuture<Void> end = new CompletableFuture<>();
        public final AtomicLong bytes = new AtomicLong();
        final AtomicLong unconsumed = new AtomicLong();

        Response(int streamId) {
            this.streamId = streamId;
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final Handler handler;
    private final Map<Integer, Response> responses = new ConcurrentHashMap<>();
    private volatile boolean autoConsume;
    /** The error code of the first GOAWAY the proxy sent. */
    public final CompletableFuture<Long> goAway = new CompletableFuture<>();

    public H2TestClient(int port, int initialWindow, boolean autoConsume) throws InterruptedException {
        this.autoConsume = autoConsume;
        handler = new Builder().initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                .initialWindowSize(initialWindow)).build();
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(handler)
                .connect("127.0.0.1", port).sync().channel();
    }

    /** Sends a headers-only request. */
    public Response get(String authority, String path) throws Exception {
        Http2Headers h = new DefaultHttp2Headers().method("GET").scheme("http").authority(authority).path(path);
        return channel.eventLoop().submit(() -> {
            int id = handler.connection().local().incrementAndGetNextStreamId();
            Response r = new Response(id);
            responses.put(id, r);
            handler.encoder().writeHeaders(handler.ctx, id, h, 0, true, handler.ctx.newPromise());
            handler.flush(handler.ctx);
            return r;
        }).get(5, TimeUnit.SECONDS);
    }

    public void reset(Response r, Http2Error error) throws Exception {
        channel.eventLoop().submit(() -> {
            handler.resetStream(handler.ctx, r.streamId, error.code(), handler.ctx.newPromise());
            handler.flush(handler.ctx);
        }).get(5, TimeUnit.SECONDS);
    }

    /** Returns all withheld credit and consumes everything from now on. */
    public void consumeAll() throws Exception {
        channel.eventLoop().submit(() -> {
            autoConsume = true;
            for (Response r : responses.values()) {
                Http2Stream s = handler.connection().stream(r.streamId);
                long n = r.unconsumed.getAndSet(0);
                if (s != null && n > 0) {
                    handler.decoder().flowController().consumeBytes(s, (int) n);
                }
            }
            handler.flush(handler.ctx);
            return null;
        }).get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private final class Handler extends Http2ConnectionHandler {
        ChannelHandlerContext ctx;

        Handler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            super(decoder, encoder, settings);
            decoder.frameListener(new Frames());
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
            this.ctx = ctx;
            super.handlerAdded(ctx);
        }

        private final class Frames extends Http2FrameAdapter {
            @Override
            public void onHeadersRead(ChannelHandlerContext ctx, int id, Http2Headers headers, int dep, short weight,
                                      boolean exclusive, int padding, boolean endStream) {
                onHeadersRead(ctx, id, headers, padding, endStream);
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext ctx, int id, Http2Headers headers, int padding, boolean endStream) {
                Response r = responses.get(id);
                if (r != null) {
                    r.headers.complete(headers);
                    if (endStream) {
                        r.end.complete(null);
                    }
                }
            }

            @Override
            public int onDataRead(ChannelHandlerContext ctx, int id, ByteBuf data, int padding, boolean endOfStream)
                    throws Http2Exception {
                Response r = responses.get(id);
                int n = data.readableBytes() + padding;
                if (r == null) {
                    return n;
                }
                r.bytes.addAndGet(data.readableBytes());
                if (endOfStream) {
                    r.end.complete(null);
                }
                if (autoConsume) {
                    return n;
                }
                r.unconsumed.addAndGet(n);
                return 0;
            }

            @Override
            public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
                goAway.complete(errorCode);
            }

            @Override
            public void onRstStreamRead(ChannelHandlerContext ctx, int id, long errorCode) {
                Response r = responses.get(id);
                if (r != null) {
                    r.reset.complete(errorCode);
                }
            }
        }
    }

    private final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Handler, Builder> {
        Builder() {
            server(false);
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
