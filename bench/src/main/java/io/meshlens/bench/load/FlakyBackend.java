package io.meshlens.bench.load;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/**
 * HTTP/1.1 and h2c (prior knowledge) backend for the soak and abuse scripts. Every request: with {@code reset%} the
 * connection is reset (RST, no response), with {@code fail%} a 500, else 200. {@code /endless}
 * streams a response that never ends; request bodies (uploads) are read and discarded.
 * Usage: {@code FlakyBackend host:port failPercent resetPercent}; prints its counts on exit.
 */
public final class FlakyBackend {
    private static final AtomicLong OK = new AtomicLong();
    private static final AtomicLong FAILED = new AtomicLong();
    private static final AtomicLong RESET = new AtomicLong();
    private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes("ok\n".getBytes(StandardCharsets.US_ASCII)));
    private static final ByteBuf CHUNK = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeZero(16 * 1024));

    private FlakyBackend() {}

    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        double fail = Double.parseDouble(args[1]) / 100;
        double reset = Double.parseDouble(args[2]) / 100;
        EventLoopGroup group = Netty.group(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                System.err.printf("backend: ok %d failed %d reset %d%n", OK.get(), FAILED.get(), RESET.get())));
        new ServerBootstrap().group(group)
                .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        HttpServerCodec http1 = new HttpServerCodec();
                        ch.pipeline().addLast(new CleartextHttp2ServerUpgradeHandler(http1,
                                new HttpServerUpgradeHandler(http1, protocol -> null), http2(fail, reset)),
                                new Handler(fail, reset));
                    }
                })
                .bind(new InetSocketAddress(hp[0], Integer.parseInt(hp[1]))).sync().channel().closeFuture().sync();
    }

    /** A connection that opened with the HTTP/2 preface: each stream is served as an HTTP/1 exchange. */
    private static ChannelInitializer<Channel> http2(double fail, double reset) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().remove(Handler.class);
                ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                        new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel stream) {
                                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true), new Handler(fail, reset));
                            }
                        }));
            }
        };
    }

    private static final class Handler extends SimpleChannelInboundHandler<HttpObject> {
        private final double fail;
        private final double reset;
        private HttpRequest request;

        Handler(double fail, double reset) {
            this.fail = fail;
            this.reset = reset;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest r) {
                request = r;
            }
            if (!(msg instanceof LastHttpContent) || request == null) {
                return; // uploads: bodies are read and dropped
            }
            if (request.uri().startsWith("/endless")) {
                endless(ctx);
                return;
            }
            double x = ThreadLocalRandom.current().nextDouble();
            if (x < reset) {
                RESET.incrementAndGet();
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                ctx.close();
                return;
            }
            HttpResponseStatus status = x < reset + fail ? HttpResponseStatus.INTERNAL_SERVER_ERROR : HttpResponseStatus.OK;
            (status.code() == 200 ? OK : FAILED).incrementAndGet();
            var rsp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, BODY.retainedDuplicate());
            HttpUtil.setContentLength(rsp, BODY.readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            request = null;
            var f = ctx.writeAndFlush(rsp);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void endless(ChannelHandlerContext ctx) {
            var rsp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            rsp.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
            ctx.writeAndFlush(rsp);
            writeChunk(ctx);
        }

        private void writeChunk(ChannelHandlerContext ctx) {
            if (!ctx.channel().isActive()) {
                return;
            }
            // next chunk only when the previous one left: the stream follows the reader's pace
            ctx.writeAndFlush(new DefaultHttpContent(CHUNK.retainedDuplicate())).addListener(f -> {
                if (f.isSuccess()) {
                    ctx.executor().execute(() -> writeChunk(ctx));
                }
            });
        }
    }
}
