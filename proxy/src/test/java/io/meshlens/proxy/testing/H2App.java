package io.meshlens.proxy.testing;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * A plain HTTP/2 (h2c prior knowledge) app for tests, answering when a request ends:
 * {@code /grpc-nostatus} -> a gRPC-looking response that ends without grpc-status; anything
 * else -> 200 "ok" (with the request body size in {@code x-request-length}).
 */
public final class H2App implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    public H2App() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new Handler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static final class Handler extends ChannelDuplexHandler {
        private final java.util.Map<Integer, long[]> sizes = new java.util.HashMap<>();
        private final java.util.Map<Integer, String> paths = new java.util.HashMap<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame) {
                    Http2HeadersFrame h = (Http2HeadersFrame) msg;
                    paths.put(h.stream().id(), String.valueOf(h.headers().path()));
                    sizes.put(h.stream().id(), new long[1]);
                    if (h.isEndStream()) {
                        respond(ctx, h.stream());
                    }
                } else if (msg instanceof Http2DataFrame) {
                    Http2DataFrame d = (Http2DataFrame) msg;
                    sizes.get(d.stream().id())[0] += d.content().readableBytes();
                    // Http2FrameCodec leaves flow control to the application: return the credit,
                    // or a large upload stalls once the 64 KiB window is used up.
                    if (d.initialFlowControlledBytes() > 0) {
                        ctx.write(new DefaultHttp2WindowUpdateFrame(d.initialFlowControlledBytes()).stream(d.stream()));
                    }
                    if (d.isEndStream()) {
                        respond(ctx, d.stream());
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        private void respond(ChannelHandlerContext ctx, Http2FrameStream stream) {
            String path = paths.remove(stream.id());
            long size = sizes.remove(stream.id())[0];
            Http2Headers headers = new DefaultHttp2Headers().status("200");
            ByteBuf body;
            if ("/grpc-nostatus".equals(path)) {
                headers.set("content-type", "application/grpc");
                body = Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 1, 'x'});
            } else {
                headers.set("content-type", "text/plain");
                headers.set("x-request-length", Long.toString(size));
                body = Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8);
            }
            ctx.write(new DefaultHttp2HeadersFrame(headers).stream(stream));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(body, true).stream(stream));
        }
    }

}
