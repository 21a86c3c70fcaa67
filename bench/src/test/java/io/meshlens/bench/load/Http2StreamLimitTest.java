package io.meshlens.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.meshlens.proxy.internal.conn.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;

/**
 * A server that allows two concurrent streams and answers each after 5 ms, driven at a rate that
 * needs about five: the generator must queue the extra streams, not fail them.
 */
class Http2StreamLimitTest {
    private static final int MAX_STREAMS = 2;
    private EventLoopGroup group;
    private Channel server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void streamsAboveTheServersLimitWaitInsteadOfFailing() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        group = Transport.group(1, "h2-limit-server");
        server = new ServerBootstrap().group(group).channel(Transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(MAX_STREAMS))
                                .build());
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Http2HeadersFrame h && h.isEndStream()) {
                                    maxSeen.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                                    ctx.executor().schedule(() -> {
                                        concurrent.decrementAndGet();
                                        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                                                new DefaultHttp2Headers().status("200"), true).stream(h.stream()));
                                    }, 5, TimeUnit.MILLISECONDS);
                                }
                                ReferenceCountUtil.release(msg);
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.5.22", 0)).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();

        Results.Summary s = LoadMain.run(LoadOptions.parse("--url", "http://127.0.5.22:" + port + "/",
                "--protocol", "h2", "--rate", "1000", "--duration", "500ms", "--warmup", "0ms", "--connections", "1"));

        assertThat(s.errors()).isZero();
        assertThat(s.ok()).isEqualTo(500);
        assertThat(maxSeen.get()).isEqualTo(MAX_STREAMS); // the limit was reached, and never exceeded
    }
}
