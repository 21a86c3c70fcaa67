package io.meshlens.bench.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * HTTP/1.1 keep-alive client without pipelining: a due request takes an idle connection, or
 * waits in a backlog (its latency keeps running from its intended time). All state lives on one
 * event loop, so nothing is locked.
 */
final class Http1Client implements LoadClient {
    private final EventLoop loop;
    private final Results results;
    private final ByteBuf request;
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final ArrayDeque<Long> backlog = new ArrayDeque<>();
    private final List<Channel> channels = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final Bootstrap bootstrap;
    private final InetSocketAddress addr;
    private volatile boolean closing;

    Http1Client(EventLoopGroup group, URI uri, String authority, int connections, Results results)
            throws InterruptedException {
        this.loop = group.next();
        this.results = results;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String host = authority != null ? authority : uri.getAuthority();
        request = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(
                ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: meshlens-load\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII)));
        addr = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
        Bootstrap b = new Bootstrap().group(loop).channel(Netty.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpResponseDecoder(), new Conn());
                    }
                });
        bootstrap = b;
        for (int i = 0; i < connections; i++) {
            Channel ch = b.connect(addr).sync().channel();
            channels.add(ch);
        }
        loop.submit(() -> {
            for (Channel ch : channels) {
                idle.add(ch.pipeline().get(Conn.class));
            }
        }).sync();
    }

    @Override
    public void send(long intendedNanos) {
        results.sent();
        inFlight.incrementAndGet();
        loop.execute(() -> {
            Conn c = idle.poll();
            if (c == null) {
                backlog.add(intendedNanos);
            } else {
                c.send(intendedNanos);
            }
        });
    }

    @Override
    public long inFlight() {
        return inFlight.get();
    }

    /** A connection the server (or proxy) closed is replaced, so the pool keeps its size. */
    private void replace() {
        if (closing) {
            return;
        }
        bootstrap.connect(addr).addListener((io.netty.channel.ChannelFuture f) -> {
            if (f.isSuccess()) {
                Conn c = f.channel().pipeline().get(Conn.class);
                channels.add(f.channel());
                Long next = backlog.poll();
                if (next != null) {
                    c.send(next);
                } else {
                    idle.add(c);
                }
            }
        });
    }

    @Override
    public void close() {
        closing = true;
        for (Channel ch : List.copyOf(channels)) {
            ch.close().syncUninterruptibly();
        }
    }

    private final class Conn extends SimpleChannelInboundHandler<HttpObject> {
        private ChannelHandlerContext ctx;
        private long intended = -1;
        private boolean success;
        private int status;
        private boolean keepAlive = true;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void send(long intendedNanos) {
            intended = intendedNanos;
            ctx.writeAndFlush(request.retainedDuplicate(), ctx.voidPromise());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse r) {
                status = r.decoderResult().isFailure() ? 0 : r.status().code();
                keepAlive = io.netty.handler.codec.http.HttpUtil.isKeepAlive(r);
                success = status >= 200 && status < 300;
            }
            if (msg instanceof LastHttpContent) {
                long t = intended;
                intended = -1;
                inFlight.decrementAndGet();
                results.status(status);
                results.completed(t, System.nanoTime(), success);
                if (!keepAlive) {
                    // the server closes this connection (Connection: close): never reuse it
                    ctx.close(); // channelInactive replaces it
                    return;
                }
                Long next = backlog.poll();
                if (next != null) {
                    send(next);
                } else {
                    idle.add(this);
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            idle.remove(this);
            if (intended >= 0) {
                inFlight.decrementAndGet();
                results.status(0);
                results.failed(intended);
                intended = -1;
            }
            channels.remove(ctx.channel());
            replace();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
