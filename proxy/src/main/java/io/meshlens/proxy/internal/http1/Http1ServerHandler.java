package io.meshlens.proxy.internal.http1;

import java.util.function.Supplier;

import io.meshlens.proxy.internal.conn.Channels;
import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.DrainEvent;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.internal.http.ConnectionEdge;
import io.meshlens.proxy.internal.http.ErrorResponses;
import io.meshlens.proxy.internal.http.Exchange;
import io.meshlens.proxy.internal.http.Failure;
import io.meshlens.proxy.internal.http.HttpContext;
import io.meshlens.proxy.internal.http.Target;
import io.meshlens.proxy.internal.http.TargetResolver;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;

/**
 * Forwards HTTP/1.1 exchanges of one caller connection as bytes: each request head is parsed
 * once in place, copied upstream with only the hop-by-hop parts rewritten, and its body spliced
 * through while its framing finds where it ends ({@link Http1Request}); the response goes back
 * the same way ({@link Http1Response}). No HTTP
 * objects, no re-encoding, writes with the void promise except the one that ends a response
 * (the exchange is recorded when it completes), one timer per connection ({@link Http1Deadline}).
 *
 * <p>Backpressure: {@code AUTO_READ} is off on both connections; a side is read again only while
 * the other side is writable, and {@code channelWritabilityChanged} resumes it, so at most one
 * read plus the channel's write buffer (high-water mark) is held per direction. Everything runs
 * on the caller connection's event loop, which the upstream connection shares.
 *
 * <p>With h2c upgrades on, a bodyless request offering {@code Upgrade: h2c} is answered with
 * {@code 101} and the connection is handed to the HTTP/2 path ({@link H2cHandoff}).
 */
public final class Http1ServerHandler extends ChannelInboundHandlerAdapter
        implements Http1UpstreamPool.Callback, TargetResolver.Callback, Http1UpstreamHandler.Owner, Http1Deadline.Listener,
                   Http1Response.Exchange {
    private enum Req { IDLE, RESOLVING, BODY, DONE }

    private final HttpContext http;
    private final Http1UpstreamPool pool;
    private final Listener listener;
    private final H2cHandoff h2c;
    private final Exchange exchange;
    private final TargetResolver resolver;
    private final Http1Request request;
    private final Http1Response response;
    private final long headerReadTimeoutNanos;
    private final long responseTimeoutNanos;
    private final long idleTimeoutNanos;
    private final ChannelFutureListener responseEndWritten = this::onResponseEndWritten;
    private ChannelHandlerContext ctx;
    private Http1Deadline deadline;

    /** Caller bytes not forwarded yet: a partial head, body held while connecting, a pipelined request. */
    private ByteBuf in;

    // --- the current exchange ---
    private Req req = Req.IDLE;
    private boolean closeAfterResponse;
    private Channel upstream;
    private Http1UpstreamHandler upstreamHandler;
    /** The caller shut its write side (half-close): requests already sent are still answered. */
    private boolean callerInputClosed;

    // flush batching: writes made while handling a read batch are flushed once at its end
    private boolean inCallerRead;
    private boolean upstreamFlushPending;
    private final Supplier<String> callerAddressed = this::localAuthority;
    private String localAuthority;

    /**
     * @param h2c where an h2c upgrade continues, or null when upgrades are off
     */
    public Http1ServerHandler(HttpContext http, Http1UpstreamPool pool, Listener listener, ConnectionInfo conn,
                              H2cHandoff h2c) {
        this.http = http;
        this.pool = pool;
        this.listener = listener;
        this.h2c = h2c;
        this.exchange = new Exchange(http, listener, conn, new ConnectionEdge(http.metrics(), listener, conn));
        this.resolver = new TargetResolver(http, listener, conn.channel());
        var cfg = http.config();
        this.request = new Http1Request(cfg.maxInitialLineLength(), cfg.maxHeaderSize());
        this.response = new Http1Response(cfg.maxInitialLineLength(), Math.max(cfg.maxHeaderSize(), 8192), this);
        this.headerReadTimeoutNanos = cfg.headerReadTimeout().toNanos();
        this.responseTimeoutNanos = cfg.responseTimeout().toNanos();
        this.idleTimeoutNanos = cfg.idleTimeout().toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // a caller may send its request and shut its write side (nc -N, some HTTP/1.0 clients):
        // the end of input is an event then, not a close, and the response still goes out
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        this.deadline = new Http1Deadline(ctx.executor(), this);
        deadline.arm(Http1Deadline.Kind.IDLE, idleTimeoutNanos);
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            readCaller();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        readCaller();
        super.channelActive(ctx);
    }

    // ---------------------------------------------------------------- caller side

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        inCallerRead = true;
        in = Bytes.append(ctx.alloc(), in, (ByteBuf) msg);
        processCaller();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inCallerRead = false;
        if (upstreamFlushPending) {
            upstreamFlushPending = false;
            if (upstream != null) {
                upstream.flush();
            }
        }
        ctx.fireChannelReadComplete();
    }

    private void processCaller() {
        while (true) {
            switch (req) {
                case IDLE:
                    if (in == null) {
                        if (callerInputClosed) {
                            ctx.close();
                        } else {
                            readCaller();
                        }
                        return;
                    }
                    if (!readHead()) {
                        return;
                    }
                    break; // a new exchange started: its state decides what happens to the rest
                case BODY:
                    forwardRequestBody();
                    return;
                default:
                    // RESOLVING: the body waits for the upstream; DONE: a pipelined request waits
                    // for the current exchange to end (nothing more is read meanwhile)
                    return;
            }
        }
    }

    /** Parses (more of) a request head; true when an exchange started. */
    private boolean readHead() {
        int n;
        try {
            n = request.parseHead(in);
        } catch (Http1ParseException e) {
            malformedRequest(e);
            return false;
        }
        if (n < 0) {
            if (callerInputClosed) {
                ctx.close(); // a head the caller will never finish
                return false;
            }
            if (!in.isReadable()) {
                releaseIn();
            } else if (deadline.armed() != Http1Deadline.Kind.HEADER_READ) {
                deadline.arm(Http1Deadline.Kind.HEADER_READ, headerReadTimeoutNanos); // head started
            }
            readCaller();
            return false;
        }
        deadline.disarm(); // head complete
        if (h2c != null && !http.draining()) {
            Http2Settings settings = H2cUpgrade.requested(in, request.head());
            if (settings != null) {
                upgradeToH2c(settings, n);
                return false;
            }
        }
        startExchange(n);
        return true;
    }

    private void upgradeToH2c(Http2Settings settings, int headLength) {
        ByteBuf rest = in;
        in = null;
        deadline.stop();
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false); // HTTP/2 ends on the caller's close
        H2cUpgrade.handOff(ctx, rest, request.head(), headLength, settings, h2c);
    }

    private void startExchange(int headLength) {
        request.start(ctx.alloc(), in, headLength, http.config().routes().size() > 0 || http.tap().active(), callerAddressed);
        if (!in.isReadable()) {
            releaseIn();
        }
        begin(request.method(), request.path(), request.authority());
        exchange.traceId(request.traceId());
        req = Req.RESOLVING;
        if (!exchange.admit()) {
            fail(Failure.overloaded());
            return;
        }
        resolver.resolve(exchange, this);
    }

    /**
     * The address the caller connected to, as {@code host:port}: the {@code Host} of a request
     * that names none (HTTP/1.0), since that is the authority the caller addressed; null on a
     * transport without an IP address (no {@code Host} is added then).
     */
    private String localAuthority() {
        if (localAuthority == null && ctx.channel().localAddress() instanceof java.net.InetSocketAddress local) {
            String ip = local.getAddress().getHostAddress();
            localAuthority = (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + local.getPort();
        }
        return localAuthority;
    }

    private void begin(String method, String path, String authority) {
        exchange.begin(Protocol.HTTP1, method, path, authority);
        response.reset(request.headRequest());
    }

    @Override
    public void onTarget(Target t) {
        exchange.target(t);
        pool.acquire(ctx.channel().eventLoop(), listener.direction(), t.address(), this);
    }

    @Override
    public void onFailure(Failure f) {
        fail(f);
    }

    @Override
    public void onUpstream(Channel ch) {
        if (!exchange.active() || upstream != null || req != Req.RESOLVING) {
            // the exchange ended (caller left, timeout) while connecting
            if (ch.isActive()) {
                ch.close();
            }
            return;
        }
        upstream = ch;
        upstreamHandler = ch.pipeline().get(Http1UpstreamHandler.class);
        upstreamHandler.attach(this);
        ch.write(request.takeHead(), ch.voidPromise());
        if (request.bodyDone()) {
            requestDone();
        } else {
            req = Req.BODY;
            forwardRequestBody();
            if (upstream != ch) {
                return; // the body was malformed: the exchange failed and closed the upstream
            }
        }
        flushUpstream();
        ch.read(); // start receiving the response
    }

    @Override
    public void onUpstreamFailure(Throwable cause) {
        if (exchange.active()) {
            fail(Failure.upstream(cause, exchange.target(), exchange.authority()));
        }
    }

    private void forwardRequestBody() {
        if (in != null) {
            int n;
            try {
                n = request.scanBody(in);
            } catch (Http1ParseException e) {
                Channels.markCloseError(ctx.channel(), ProxyError.PROTOCOL_ERROR);
                fail(ProxyError.PROTOCOL_ERROR, e.status(), "malformed request: " + e.getMessage());
                return;
            }
            if (n > 0) {
                upstream.write(in.retainedSlice(in.readerIndex(), n), upstream.voidPromise());
                in.skipBytes(n);
                flushUpstream();
            }
            if (!in.isReadable()) {
                releaseIn();
            }
            exchange.requestBytes(request.bodyBytes());
        }
        if (request.bodyDone()) {
            requestDone();
        } else if (callerInputClosed && in == null) {
            fail(ProxyError.DOWNSTREAM_RESET, 0, "caller closed its side before the request body ended");
        } else if (upstream.isWritable()) {
            readCaller(); // else onUpstreamWritable resumes
        }
    }

    private void requestDone() {
        req = Req.DONE;
        exchange.requestBytes(request.bodyBytes());
        if (!response.started()) {
            deadline.arm(Http1Deadline.Kind.RESPONSE, responseTimeoutNanos);
        }
        if (in == null) {
            readCaller(); // notices the caller leaving (or a pipelined request) while we wait
        }
    }

    @Override
    public void onUpstreamWritable() {
        if (exchange.active() && req == Req.BODY) {
            if (in != null) {
                forwardRequestBody();
            } else {
                readCaller();
            }
        }
    }

    /** Asks for the caller's next bytes, unless its side is shut: epoll refuses reads after that. */
    private void readCaller() {
        if (!callerInputClosed) {
            ctx.read();
        }
    }

    private void flushUpstream() {
        if (inCallerRead) {
            upstreamFlushPending = true;
        } else {
            upstreamFlushPending = false;
            upstream.flush();
        }
    }

    // ---------------------------------------------------------------- upstream side

    @Override
    public void onUpstreamData(ByteBuf data) {
        if (exchange.active()) {
            response.onData(ctx, upstream, data);
        } else {
            data.release();
        }
    }

    @Override
    public boolean onHead(int status, boolean untilClose) {
        deadline.disarm();
        closeAfterResponse |= !request.keepAlive() || http.draining() || req != Req.DONE || untilClose;
        exchange.responseHeaders(status);
        return closeAfterResponse;
    }

    @Override
    public void onBodyBytes(long payloadBytes) {
        exchange.responseBytes(payloadBytes);
    }

    @Override
    public void onMalformed(String detail) {
        fail(ProxyError.PROTOCOL_ERROR, 502, "malformed response from upstream: " + detail);
    }

    @Override
    public void onEnd(ByteBuf last) {
        ctx.writeAndFlush(last != null ? last : Unpooled.EMPTY_BUFFER).addListener(responseEndWritten);
    }

    @Override
    public void onUpstreamReadComplete() {
        response.flush(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && exchange.active()) {
            response.resume(upstream);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        if (!exchange.active() || response.done()) {
            return;
        }
        if (response.framedByClose()) {
            detachUpstream();
            response.endByClose();
            return;
        }
        fail(ProxyError.UPSTREAM_RESET, 502, "upstream closed before the response ended");
    }

    // ---------------------------------------------------------------- completion

    private void onResponseEndWritten(ChannelFuture f) {
        if (!exchange.active()) {
            return;
        }
        if (!f.isSuccess()) {
            fail(Failure.callerWriteFailed());
            return;
        }
        exchange.finishResponse();
        Channel up = upstream;
        detachUpstream();
        if (up != null) {
            if (response.reusable() && req == Req.DONE && up.isActive()) {
                pool.release(up, listener.direction(), exchange.target().address());
            } else {
                up.close();
            }
        }
        if (closeAfterResponse || !request.keepAlive() || req != Req.DONE || http.draining() || callerInputClosed && in == null) {
            Channels.closeOnFlush(ctx.channel());
            releaseIn();
            return;
        }
        req = Req.IDLE;
        if (in != null) {
            inCallerRead = false; // outside a read batch: upstream writes flush at once
            processCaller();
        } else {
            deadline.arm(Http1Deadline.Kind.IDLE, idleTimeoutNanos);
            readCaller();
        }
    }

    private void detachUpstream() {
        if (upstreamHandler != null) {
            upstreamHandler.detach();
            upstreamHandler = null;
        }
        upstream = null;
    }

    private void fail(Failure f) {
        fail(f.error(), f.status(), f.detail());
    }

    /**
     * Ends the exchange with an error: answers the caller if no response started (and closes the
     * connection: what is left of the request cannot be told apart from a next one), else aborts
     * the caller's connection; closes the upstream; records.
     */
    private void fail(ProxyError err, int httpStatus, String detail) {
        if (!exchange.active()) {
            return;
        }

        deadline.disarm();
        Channel up = upstream;
        detachUpstream();
        if (up != null) {
            up.close();
        }
        releaseBuffers();
        boolean canAnswer = !response.started() && httpStatus > 0 && ctx.channel().isActive();
        closeAfterResponse = true;
        req = Req.DONE;
        if (canAnswer) {
            byte[] body = ErrorResponses.body(err, detail);
            exchange.proxyResponse(httpStatus, body.length);
            exchange.finish(err);
            ctx.writeAndFlush(ErrorResponses.http1(ctx.alloc(), httpStatus, err, body)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        exchange.finish(err);
        ctx.close();
    }

    private void malformedRequest(Http1ParseException e) {
        Channels.markCloseError(ctx.channel(), ProxyError.PROTOCOL_ERROR);
        begin("", null, "");
        fail(ProxyError.PROTOCOL_ERROR, e.status(), "malformed request: " + e.getMessage());
    }

    @Override
    public void onDeadline(Http1Deadline.Kind kind) {
        switch (kind) {
            case RESPONSE:
                if (exchange.active() && !response.started()) {
                    fail(Failure.responseTimeout(http.config().responseTimeout().toMillis()));
                }
                break;
            case HEADER_READ:
                if (!exchange.active() && req == Req.IDLE) {
                    Channels.markCloseError(ctx.channel(), ProxyError.REQUEST_TIMEOUT);
                    begin("", null, "");
                    fail(ProxyError.REQUEST_TIMEOUT, 408, "request head not complete within "
                            + http.config().headerReadTimeout().toMillis() + "ms");
                }
                break;
            default:
                if (!exchange.active() && req == Req.IDLE && in == null) {
                    ctx.close();
                }
                break;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        deadline.stop();
        if (exchange.active()) {
            fail(ProxyError.DOWNSTREAM_RESET, 0, "caller closed the connection");
        }
        releaseBuffers();
        releaseIn();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Channels.markCloseError(ctx.channel(), ProxyError.DOWNSTREAM_RESET);
        if (exchange.active()) {
            fail(ProxyError.DOWNSTREAM_RESET, 0, String.valueOf(cause.getMessage()));
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            callerInputClosed = true;
            if (!exchange.active()) {
                processCaller(); // serves a complete request still buffered, else closes
            } else if (req == Req.BODY && in == null) {
                fail(ProxyError.DOWNSTREAM_RESET, 0, "caller closed its side before the request body ended");
            }
            return;
        }
        if (evt instanceof ChannelInputShutdownReadComplete) {
            return;
        }
        if (evt == DrainEvent.INSTANCE) {
            if (!exchange.active()) {
                ctx.close();
            } else {
                closeAfterResponse = true;
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    // ---------------------------------------------------------------- buffers

    private void releaseIn() {
        if (in != null) {
            in.release();
            in = null;
        }
    }

    private void releaseBuffers() {
        response.release();
        request.release();
    }
}
