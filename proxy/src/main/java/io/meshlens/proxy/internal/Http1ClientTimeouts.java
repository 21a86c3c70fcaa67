package io.meshlens.proxy.internal;

import java.util.concurrent.TimeUnit;

import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The two clocks of an HTTP/1 caller connection (semantics in {@code docs/proxy.md}, "Limits"):
 * <ul>
 * <li><b>header read</b> ({@code MESHLENS_HEADER_READ_TIMEOUT}): starts when a byte is read while
 * neither a request head nor a request body is in progress (the first byte of a head, on the
 * first request or any later one on a keep-alive connection); stops when the head is decoded.
 * On expiry the caller gets {@code 408} and the connection closes (a connection with a response
 * still in progress is closed without one, as a 408 would cut into that response); counted as
 * one request with {@code error="request_timeout"}.</li>
 * <li><b>idle</b> ({@code MESHLENS_IDLE_TIMEOUT}): starts when the last response has been written
 * and no request is in progress; any byte read stops it. On expiry the connection is closed.</li>
 * </ul>
 * The state needs two vantage points, so this object installs two handlers around the HTTP/1
 * codec: {@link #bytes()} before it sees that bytes arrive, {@link #messages()} after it sees
 * heads, request ends and response ends. One timer at most per connection, re-armed lazily when
 * it fires: a head that arrives in one read and a busy keep-alive connection schedule nothing per
 * request.
 */
final class Http1ClientTimeouts {
    static final String BYTES = "h1-timeouts-bytes";
    static final String MESSAGES = "h1-timeouts";

    private final ListenerContext lc;
    private final ConnectionInfo conn;
    private final long headerReadNanos;
    private final long idleNanos;
    private final Bytes bytes = new Bytes();
    private final Messages messages = new Messages();
    private ChannelHandlerContext bytesCtx;

    private boolean headInProgress;
    private long headStartNanos;
    private boolean readingBody;
    /** Requests whose final response has not been written completely yet. */
    private int openResponses;
    private boolean informational;
    private long idleSinceNanos;
    private boolean timedOut;
    private ScheduledFuture<?> timer;
    private long timerDeadline;

    Http1ClientTimeouts(ListenerContext lc, ConnectionInfo conn) {
        this.lc = lc;
        this.conn = conn;
        this.headerReadNanos = lc.proxy.config.headerReadTimeout().toNanos();
        this.idleNanos = lc.proxy.config.idleTimeout().toNanos();
    }

    /** Goes before the HTTP/1 codec. */
    ChannelHandler bytes() {
        return bytes;
    }

    /** Goes right after the HTTP/1 codec. */
    ChannelHandler messages() {
        return messages;
    }

    /** After an h2c upgrade the connection is HTTP/2: these clocks no longer apply. */
    static void removeFrom(ChannelPipeline p) {
        if (p.get(BYTES) != null) {
            p.remove(BYTES);
        }
        if (p.get(MESSAGES) != null) {
            p.remove(MESSAGES);
        }
    }

    private boolean idle() {
        return !headInProgress && !readingBody && openResponses == 0;
    }

    private void onBytes(ByteBuf in) {
        if (!headInProgress && !readingBody && in.isReadable()) {
            headInProgress = true;
            headStartNanos = System.nanoTime();
        }
    }

    private void onRequestHead(HttpRequest req) {
        headInProgress = false;
        openResponses++;
        readingBody = !(req instanceof LastHttpContent);
    }

    private void onRequestEnd() {
        readingBody = false;
        becameIdleMaybe();
    }

    private void onResponsePart(Object msg) {
        if (msg instanceof HttpResponse) {
            int code = ((HttpResponse) msg).status().code();
            informational = code >= 100 && code < 200 && code != 101;
        }
        if (msg instanceof LastHttpContent) {
            if (informational) {
                informational = false;
            } else if (openResponses > 0) {
                openResponses--;
                becameIdleMaybe();
            }
        }
    }

    private void becameIdleMaybe() {
        if (idle()) {
            idleSinceNanos = System.nanoTime();
            arm(idleSinceNanos + idleNanos);
        }
    }

    /** Makes sure the timer fires no later than {@code deadline}. */
    private void arm(long deadline) {
        if (timer != null) {
            if (deadline - timerDeadline >= 0) {
                return; // fires earlier and re-arms then
            }
            timer.cancel(false);
        }
        timerDeadline = deadline;
        timer = bytesCtx.executor().schedule(this::onTimer, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void onTimer() {
        timer = null;
        if (timedOut || bytesCtx.isRemoved() || !bytesCtx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (headInProgress) {
            long deadline = headStartNanos + headerReadNanos;
            if (now - deadline >= 0) {
                headReadTimedOut();
            } else {
                arm(deadline);
            }
        } else if (idle()) {
            long deadline = idleSinceNanos + idleNanos;
            if (now - deadline >= 0) {
                bytesCtx.close(); // a clean close: nothing was lost
            } else {
                arm(deadline);
            }
        }
    }

    private void headReadTimedOut() {
        timedOut = true;
        headInProgress = false;
        boolean answer = openResponses == 0;
        ProxyContext.markCloseError(bytesCtx.channel(), ProxyError.REQUEST_TIMEOUT);
        new Pipelines(lc, conn).recordConnectionError(Protocol.HTTP1, ProxyError.REQUEST_TIMEOUT, answer ? 408 : 0);
        if (answer) {
            // Written below the codec: its decoder holds half a head, its encoder no response.
            bytesCtx.writeAndFlush(requestTimeoutResponse(bytesCtx.alloc())).addListener(ChannelFutureListener.CLOSE);
        } else {
            bytesCtx.close();
        }
    }

    private ByteBuf requestTimeoutResponse(ByteBufAllocator alloc) {
        return ErrorResponses.http1(alloc, 408, ProxyError.REQUEST_TIMEOUT, ErrorResponses.body(ProxyError.REQUEST_TIMEOUT,
                "request head not complete within " + lc.proxy.config.headerReadTimeout().toMillis() + "ms"));
    }

    /** Raw bytes from the caller: a byte outside a head or body starts a head. */
    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            bytesCtx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (timedOut) {
                ReferenceCountUtil.release(msg); // the connection is closing; nothing more is parsed
                return;
            }
            if (msg instanceof ByteBuf) {
                onBytes((ByteBuf) msg);
            }
            ctx.fireChannelRead(msg);
            if (headInProgress && !timedOut) {
                arm(headStartNanos + headerReadNanos); // the head did not complete within this read
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            cancelTimer();
            super.channelInactive(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            cancelTimer();
        }
    }

    /** Decoded heads and request ends coming in, response ends going out. */
    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (timedOut) {
                // e.g. the codec's "closed before received headers" request when the connection
                // closes: already counted as request_timeout, not a second error
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpRequest) {
                onRequestHead((HttpRequest) msg);
            } else if (msg instanceof LastHttpContent) {
                onRequestEnd();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            onResponsePart(msg);
            ctx.write(msg, promise);
        }
    }
}
