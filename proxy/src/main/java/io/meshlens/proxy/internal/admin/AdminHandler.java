package io.meshlens.proxy.internal.admin;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.meshlens.proxy.tap.Tap;
import io.meshlens.proxy.tap.TapFilter;
import io.meshlens.proxy.tap.TapSubscriber;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Admin endpoints: /metrics, /ready, /live, /shutdown (POST, loopback), /tap (NDJSON stream). */
@Sharable
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final BooleanSupplier ready;
    private final Runnable shutdown;
    private final Tap tap;
    private final byte[] tapToken;
    private final int tapQueueSize;
    private final int tapMaxSubscribers;

    public AdminHandler(PrometheusRegistry registry, BooleanSupplier ready, Runnable shutdown, Tap tap, String tapToken,
                 int tapQueueSize, int tapMaxSubscribers) {
        this.registry = registry;
        this.ready = ready;
        this.shutdown = shutdown;
        this.tap = tap;
        this.tapToken = tapToken.isEmpty() ? null : tapToken.getBytes(StandardCharsets.UTF_8);
        this.tapQueueSize = tapQueueSize;
        this.tapMaxSubscribers = tapMaxSubscribers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
        if (!req.decoderResult().isSuccess()) {
            send(ctx, req, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"));
            return;
        }
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        switch (q.path()) {
            case "/metrics": metrics(ctx, req); break;
            case "/ready":
                send(ctx, req, ready.getAsBoolean() ? text(HttpResponseStatus.OK, "ready\n")
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n"));
                break;
            case "/live": send(ctx, req, text(HttpResponseStatus.OK, "live\n")); break;
            case "/shutdown":
                if (!req.method().equals(HttpMethod.POST)) {
                    send(ctx, req, text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST\n"));
                } else if (!isLoopback(ctx)) {
                    send(ctx, req, text(HttpResponseStatus.FORBIDDEN, "shutdown is allowed from loopback only\n"));
                } else {
                    send(ctx, req, text(HttpResponseStatus.ACCEPTED, "shutting down\n"));
                    shutdown.run();
                }
                break;
            case "/tap": tap(ctx, req, q); break;
            default: send(ctx, req, text(HttpResponseStatus.NOT_FOUND, "not found\n"));
        }
    }

    private void metrics(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
        ExpositionFormatWriter w = formats.findWriter(req.headers().get(HttpHeaderNames.ACCEPT));
        ByteBuf buf = ctx.alloc().buffer(16 * 1024);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            w.write(out, registry.scrape());
        } catch (Exception e) {
            buf.release();
            throw e;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, buf);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, w.getContentType());
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
        send(ctx, req, r);
    }

    private void tap(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q) {
        if (!authorizedForTap(ctx, req)) {
            send(ctx, req, text(HttpResponseStatus.UNAUTHORIZED,
                    "tap needs 'Authorization: Bearer <token>' from non-loopback callers\n"));
            return;
        }
        TapFilter filter;
        try {
            filter = TapFilter.parse(q.parameters());
        } catch (IllegalArgumentException e) {
            send(ctx, req, text(HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n"));
            return;
        }
        if (tap.subscriberCount() >= tapMaxSubscribers) {
            send(ctx, req, text(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many tap subscribers\n"));
            return;
        }
        TapSubscriber sub = new TapSubscriber(filter, tapQueueSize);
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        tap.add(sub); // before the headers: a client that saw them is subscribed
        ctx.writeAndFlush(head);
        ScheduledFuture<?> pump = ctx.executor().scheduleWithFixedDelay(() -> {
            if (!ctx.channel().isWritable()) {
                return; // slow reader: its queue fills and further events are dropped, not buffered here
            }
            String line;
            int n = 0;
            StringBuilder batch = null;
            while (n < 512 && (line = sub.pollNow()) != null) {
                if (batch == null) {
                    batch = new StringBuilder(line.length() * 4);
                }
                batch.append(line);
                n++;
            }
            if (batch != null) {
                ByteBuf b = ctx.alloc().buffer(batch.length());
                b.writeCharSequence(batch, StandardCharsets.UTF_8);
                ctx.writeAndFlush(new DefaultHttpContent(b));
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        ctx.channel().closeFuture().addListener(f -> {
            pump.cancel(false);
            tap.remove(sub);
        });
    }

    private boolean authorizedForTap(ChannelHandlerContext ctx, FullHttpRequest req) {
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (tapToken == null) {
            return isLoopback(ctx);
        }
        if (auth == null || !auth.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(tapToken, auth.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isLoopback(ChannelHandlerContext ctx) {
        InetSocketAddress a = (InetSocketAddress) ctx.channel().remoteAddress();
        return a != null && a.getAddress() != null && a.getAddress().isLoopbackAddress();
    }

    private static FullHttpResponse text(HttpResponseStatus s, String body) {
        ByteBuf b = io.netty.buffer.Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, b);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, b.readableBytes());
        return r;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
