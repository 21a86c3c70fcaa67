package io.meshlens.proxy.internal.http1;

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
 * once in place ({@link Http1HeadParser}), copied upstream with only the hop-by-hop parts
 * rewritten ({@link Http1HeadWriter}), and its body spliced through while
 * {@link Http1BodyFramer} finds where it ends; the response goes back the same way. No HTTP
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
        implements Http1UpstreamPool.Callback, TargetResolver.Callback, Http1UpstreamHandler.Owner, Http1Deadline.Listener {
    private enum Req { IDLE, RESOLVING, BODY, DONE }

    private final HttpContext http;
    private final Http1UpstreamPool pool;
    private final Listener listener;
    private final H2cHandoff h2c;
    private final Exchange exchange;
    private final TargetResolver resolver;
    private final Http1HeadParser requestHead;
    private final Http1HeadParser responseHead;
    private final Http1BodyFramer requestBody;
    private final Http1BodyFramer responseBody;
    private final long headerReadTimeoutNanos;
    private final long responseTimeoutNanos;
    private final long idleTimeoutNanos;
    private final ChannelFutureListener responseEndWritten = this::onResponseEndWritten;
    private ChannelHandlerContext ctx;
    private Http1Deadline deadline;

    /** Caller bytes not forwarded yet: a partial head, body held while connecting, a pipelined request. */
    private ByteBuf in;
    /** Upstream bytes not forwarded yet: a partial response head. */
    private ByteBuf rin;

    // --- the current exchange ---
    private Req req = Req.IDLE;
    private boolean keepAlive;
    private boolean headRequest;
    private boolean closeAfterResponse;
    private ByteBuf requestHeadOut;
    private ByteBuf responseHeadOut;
    private Channel upstream;
    private Http1UpstreamHandler upstreamHandler;
    private boolean responseStarted;
    /** The caller shut its write side (half-close): requests already sent are still answered. */
    private boolean callerInputClosed;
    private boolean responseDone;
    private boolean upstreamReusable;

    // flush batching: writes made while handling a read batch are flushed once at its end
    private boolean inCallerRead;
    private boolean upstreamFlushPending;
    private boolean callerFlushPending;

    private final Http1RequestTarget requestTarget = new Http1RequestTarget();
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
        this.requestHead = new Http1HeadParser(true, cfg.maxInitialLineLength(), cfg.maxHeaderSize());
        this.responseHead = new Http1HeadParser(false, cfg.maxInitialLineLength(), Math.max(cfg.maxHeaderSize(), 8192));
        this.requestBody = new Http1BodyFramer(cfg.maxHeaderSize());
        this.responseBody = new Http1BodyFramer(Math.max(cfg.maxHeaderSize(), 8192));
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
        in = append(in, (ByteBuf) msg);
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
            n = requestHead.parse(in);
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
            Http2Settings settings = H2cUpgrade.requested(in, requestHead);
            if (settings != null) {
                upgradeToH2c(settings, n);
                return false;
            }
        }
        startExchange(n);
        return true;
    }

    private void upgradeToH2c(Http2Settings settings, int headLength) {
        var request = H2cUpgrade.requestHeaders(in, requestHead);
        in.skipBytes(headLength);
        ByteBuf rest = in;
        in = null;
        deadline.stop();
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false); // HTTP/2 ends on the caller's close
        ctx.write(H2cUpgrade.switchingProtocols(ctx.alloc()), ctx.voidPromise());
        h2c.upgrade(ctx, settings, request);
        if (rest.isReadable()) {
            ctx.fireChannelRead(rest); // the client's HTTP/2 preface, if it came along
        } else {
            rest.release();
        }
    }

    private void startExchange(int headLength) {
        Http1HeadParser p = requestHead;
        ByteBuf b = in;
        Http1RequestTarget t = requestTarget;
        t.read(b, p);
        headRequest = "HEAD".equals(t.method);
        keepAlive = p.keepAlive();
        // building the path allocates: only when a route table or a tap subscriber needs it
        String path = http.config().routes().size() > 0 || http.tap().active() ? Http1RequestTarget.path(b, p) : null;
        begin(t.method, path, t.authority);

        if (p.chunked()) {
            requestBody.resetChunked();
        } else {
            requestBody.resetLength(Math.max(0, p.contentLength()));
        }
        if (Http1HeadWriter.requestUnchanged(p, t.originStart >= 0)) {
            requestHeadOut = b.retainedSlice(b.readerIndex(), headLength);
        } else {
            requestHeadOut = ctx.alloc().buffer(headLength + 64);
            Http1HeadWriter.writeRequest(b, p, t.originStart,
                    t.absoluteAuthority != null ? t.absoluteAuthority : localAuthority(), requestHeadOut);
        }
        b.skipBytes(headLength);
        if (!b.isReadable()) {
            releaseIn();
        }
        p.reset();
        req = Req.RESOLVING;
        if (!exchange.admit()) {
            fail(Failure.overloaded());
            return;
        }
        resolver.resolve(exchange, this);
    }

    /**
     * The address the caller connected to, as {@code host:port}: the {@code Host} of a request
     * that names none (HTTP/1.0), since that is the authority the caller addressed.
     */
    private String localAuthority() {
        if (localAuthority == null) {
            var local = (java.net.InetSocketAddress) ctx.channel().localAddress();
            String ip = local.getAddress().getHostAddress();
            localAuthority = (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + local.getPort();
        }
        return localAuthority;
    }

    private void begin(String method, String path, String authority) {
        exchange.begin(Protocol.HTTP1, method, path, authority);
        responseStarted = false;
        responseDone = false;
        upstreamReusable = false;
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
        ByteBuf head = requestHeadOut;
        requestHeadOut = null;
        ch.write(head, ch.voidPromise());
        responseHead.reset();
        if (requestBody.done()) {
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
                n = requestBody.scan(in);
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
            exchange.requestBytes(requestBody.payloadBytes());
        }
        if (requestBody.done()) {
            requestDone();
        } else if (callerInputClosed && in == null) {
            fail(ProxyError.DOWNSTREAM_RESET, 0, "caller closed its side before the request body ended");
        } else if (upstream.isWritable()) {
            readCaller(); // else onUpstreamWritable resumes
        }
    }

    private void requestDone() {
        req = Req.DONE;
        exchange.requestBytes(requestBody.payloadBytes());
        if (!responseStarted) {
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
        if (!exchange.active() || responseDone) {
            // bytes after the response ended: the connection cannot be trusted for another exchange
            upstreamReusable = false;
            data.release();
            return;
        }
        rin = append(rin, data);
        processUpstream();
    }

    private void processUpstream() {
        while (!responseStarted) {
            int n;
            try {
                n = responseHead.parse(rin);
            } catch (Http1ParseException e) {
                upstreamReusable = false;
                fail(ProxyError.PROTOCOL_ERROR, 502, "malformed response from upstream: " + e.getMessage());
                return;
            }
            if (n < 0) {
                upstream.read();
                return;
            }
            int code = responseHead.status();
            if (code < 200 && code != 101) {
                // informational (100 Continue, 103): passed on as is; the final head follows
                ctx.write(rin.retainedSlice(rin.readerIndex(), n), ctx.voidPromise());
                callerFlushPending = true;
                rin.skipBytes(n);
                responseHead.reset();
                if (!rin.isReadable()) {
                    releaseRin();
                    upstream.read();
                    return;
                }
                continue;
            }
            startResponse(n, code);
        }
        forwardResponseBody();
    }

    private void startResponse(int headLength, int code) {
        responseStarted = true;
        deadline.disarm();
        Http1HeadParser p = responseHead;
        if (headRequest || code == 204 || code == 304) {
            responseBody.resetLength(0);
        } else if (p.chunked()) {
            responseBody.resetChunked();
        } else if (p.transferEncoding() || p.contentLength() < 0) {
            responseBody.resetUntilClose();
        } else {
            responseBody.resetLength(p.contentLength());
        }
        upstreamReusable = p.keepAlive() && !responseBody.untilClose() && code != 101;
        boolean close = !keepAlive || closeAfterResponse || http.draining() || req != Req.DONE
                        || responseBody.untilClose() || code == 101;
        closeAfterResponse = close;
        int rest = rin.readableBytes() - headLength;
        ByteBuf out = ctx.alloc().buffer(headLength + 24 + (rest <= 2048 ? rest : 0));
        Http1HeadWriter.writeResponse(rin, p, close, out);
        rin.skipBytes(headLength);
        p.reset();
        responseHeadOut = out;
        exchange.responseHeaders(code);
    }

    private void forwardResponseBody() {
        ByteBuf b = rin;
        int n = 0;
        if (b != null) {
            try {
                n = responseBody.scan(b);
            } catch (Http1ParseException e) {
                upstreamReusable = false;
                fail(ProxyError.PROTOCOL_ERROR, 502, "malformed response from upstream: " + e.getMessage());
                return;
            }
        }
        exchange.responseBytes(responseBody.payloadBytes());
        ByteBuf out = responseHeadOut;
        responseHeadOut = null;
        if (n > 0) {
            if (out != null && out.writableBytes() >= n) {
                out.writeBytes(b, b.readerIndex(), n); // a small body leaves in one buffer with its head
            } else {
                if (out != null) {
                    ctx.write(out, ctx.voidPromise());
                }
                out = b.retainedSlice(b.readerIndex(), n);
            }
            b.skipBytes(n);
        }
        if (responseBody.done()) {
            if (b != null && b.isReadable()) {
                upstreamReusable = false; // the upstream sent more than the response
            }
            releaseRin();
            endResponse(out);
            return;
        }
        if (b != null && !b.isReadable()) {
            releaseRin();
        }
        if (out != null) {
            ctx.write(out, ctx.voidPromise());
            callerFlushPending = true;
        }
        if (ctx.channel().isWritable()) {
            upstream.read(); // else channelWritabilityChanged resumes
        }
    }

    private void endResponse(ByteBuf last) {
        responseDone = true;
        callerFlushPending = false;
        ctx.writeAndFlush(last != null ? last : Unpooled.EMPTY_BUFFER).addListener(responseEndWritten);
    }

    @Override
    public void onUpstreamReadComplete() {
        if (callerFlushPending) {
            callerFlushPending = false;
            ctx.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && exchange.active() && responseStarted && !responseDone && upstream != null) {
            upstream.read();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        if (!exchange.active() || responseDone) {
            return;
        }
        upstreamReusable = false;
        if (responseStarted && responseBody.untilClose()) {
            ByteBuf out = responseHeadOut;
            responseHeadOut = null;
            detachUpstream();
            endResponse(out);
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
            fail(ProxyError.DOWNSTREAM_RESET, 0, "write to caller failed");
            return;
        }
        exchange.finishResponse();
        Channel up = upstream;
        detachUpstream();
        if (up != null) {
            if (upstreamReusable && req == Req.DONE && up.isActive()) {
                pool.release(up, listener.direction(), exchange.target().address());
            } else {
                up.close();
            }
        }
        if (closeAfterResponse || !keepAlive || req != Req.DONE || http.draining() || callerInputClosed && in == null) {
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
        boolean canAnswer = !responseStarted && httpStatus > 0 && ctx.channel().isActive();
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
                if (exchange.active() && !responseStarted) {
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

    /**
     * Appends {@code more} to {@code cum}. A new buffer every time, never growing {@code cum} in
     * place: slices of {@code cum} may still be queued for writing.
     */
    private ByteBuf append(ByteBuf cum, ByteBuf more) {
        if (cum == null) {
            return more;
        }
        ByteBuf merged = ctx.alloc().buffer(cum.readableBytes() + more.readableBytes());
        merged.writeBytes(cum).writeBytes(more);
        cum.release();
        more.release();
        return merged;
    }

    private void releaseIn() {
        if (in != null) {
            in.release();
            in = null;
        }
    }

    private void releaseRin() {
        if (rin != null) {
            rin.release();
            rin = null;
        }
    }

    private void releaseBuffers() {
        releaseRin();
        if (requestHeadOut != null) {
            requestHeadOut.release();
            requestHeadOut = null;
        }
        if (responseHeadOut != null) {
            responseHeadOut.release();
            responseHeadOut = null;
        }
    }
}
