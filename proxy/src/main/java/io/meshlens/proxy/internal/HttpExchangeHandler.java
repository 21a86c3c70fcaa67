package io.meshlens.proxy.internal;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.EdgeMetrics;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.routes.RouteTable;
import io.meshlens.proxy.tap.TapSource;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Forwards HTTP exchanges from one downstream channel (an HTTP/1 connection, or one HTTP/2
 * stream) to an upstream channel of the same protocol, streaming bodies both ways with
 * backpressure ({@code AUTO_READ} off, one {@code read()} after each successful write), and
 * records each exchange's metrics once it ends. Everything runs on the downstream channel's event
 * loop, which the upstream channel shares.
 */
final class HttpExchangeHandler extends ChannelInboundHandlerAdapter implements Upstreams.Callback, TapSource {
    /** Exchange ids, shared with the HTTP/1 byte-forwarding path so that tap ids stay unique. */
    static final AtomicLong IDS = new AtomicLong();

    private final ListenerContext lc;
    private final ProxyContext proxy;
    private final ConnectionInfo conn;
    private final boolean h2;
    private ChannelHandlerContext ctx;
    /** Messages read while the upstream is not ready, or pipelined requests behind the current one. */
    private final ArrayDeque<Object> pending = new ArrayDeque<>(4);

    private final ConnectionEdge lastEdge;

    // --- the current exchange ---
    private boolean active;
    private boolean admitted;
    private long id;
    private HttpRequest request;
    private String method;
    private String path;
    private String authority;
    private Protocol protocol;
    private boolean keepAlive;
    private Target target;
    private EdgeMetrics edge;
    private Channel upstream;
    private boolean requestDone;
    private boolean requestSent;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean informational;
    private boolean upstreamReusable;
    private int status;
    private int grpcStatus;
    private long startNanos;
    private long headersNanos;
    private long endNanos;
    private long requestBytes;
    private long responseBytes;
    private ProxyError error;
    private ScheduledFuture<?> responseTimer;
    private boolean closeAfterResponse;

    HttpExchangeHandler(ListenerContext lc, ConnectionInfo conn, boolean h2) {
        this.lc = lc;
        this.proxy = lc.proxy;
        this.conn = conn;
        this.lastEdge = new ConnectionEdge(lc, conn);
        this.h2 = h2;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read();
        super.channelActive(ctx);
    }

    // ---------------------------------------------------------------- downstream events

    /**
     * Flush batching: while a read batch from the caller is being handled, writes to the upstream
     * are only queued and flushed once in {@link #channelReadComplete}, so a request decoded into
     * headers + last content costs one write syscall, not two. The same holds for the response
     * (flushed on the upstream's read-complete, or at once with its last part).
     */
    private boolean inDownstreamRead;
    private boolean upstreamFlushPending;
    private boolean downstreamFlushPending;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inDownstreamRead = true;
        channelRead0(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inDownstreamRead = false;
        if (upstreamFlushPending) {
            upstreamFlushPending = false;
            if (upstream != null) {
                upstream.flush();
            }
        }
        ctx.fireChannelReadComplete();
    }

    private void flushUpstream() {
        if (inDownstreamRead) {
            upstreamFlushPending = true;
        } else {
            upstreamFlushPending = false;
            upstream.flush();
        }
    }

    /** Called by {@link UpstreamHandler} at the end of an upstream read batch. */
    void onUpstreamReadComplete() {
        if (downstreamFlushPending) {
            downstreamFlushPending = false;
            ctx.flush();
        }
    }

    private void channelRead0(Object msg) {
        if (msg instanceof Http2ResetFrame) {
            ReferenceCountUtil.release(msg);
            if (active) {
                fail(ProxyError.DOWNSTREAM_RESET, 0, "caller reset the stream");
            }
            return;
        }
        if (!(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!active) {
            if (msg instanceof HttpRequest) {
                start((HttpRequest) msg);
            } else {
                ReferenceCountUtil.release(msg); // rest of a request we already answered
                if (!(msg instanceof LastHttpContent)) {
                    ctx.read();
                }
            }
            return;
        }
        if (upstream != null && !requestDone && pending.isEmpty()) {
            forwardRequestPart((HttpContent) msg, true);
        } else if (!requestDone || !h2) {
            pending.add(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (active) {
            fail(ProxyError.DOWNSTREAM_RESET, 0, "caller closed the connection");
        }
        releasePending();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProxyContext.markCloseError(ctx.channel(), ProxyError.DOWNSTREAM_RESET);
        if (active) {
            fail(ProxyError.DOWNSTREAM_RESET, 0, String.valueOf(cause.getMessage()));
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == ProxyContext.DrainEvent.INSTANCE) {
            if (!active) {
                ctx.close();
            } else {
                closeAfterResponse = true;
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    // ---------------------------------------------------------------- exchange start

    private void start(HttpRequest req) {
        active = true;
        admitted = false;
        id = IDS.incrementAndGet();
        request = req;
        startNanos = System.nanoTime();
        headersNanos = 0;
        endNanos = 0;
        requestDone = req instanceof LastHttpContent;
        requestSent = false;
        responseStarted = false;
        responseDone = false;
        informational = false;
        upstreamReusable = false;
        status = 0;
        grpcStatus = -1;
        requestBytes = 0;
        responseBytes = 0;
        error = ProxyError.NONE;
        target = null;
        edge = null;
        upstream = null;
        method = req.method().name();
        path = req.uri();
        protocol = h2 ? (isGrpc(req.headers()) ? Protocol.GRPC : Protocol.HTTP2) : Protocol.HTTP1;
        if (req instanceof HttpContent) {
            requestBytes += ((HttpContent) req).content().readableBytes();
        }

        if (req.decoderResult().isFailure()) {
            authority = "";
            Throwable c = req.decoderResult().cause();
            int s = c instanceof TooLongHttpLineException ? 414 : c instanceof TooLongHttpHeaderException ? 431
                    : c instanceof TooLongFrameException ? 431 : 400;
            requestDone = true;
            closeAfterResponse = true;
            ReferenceCountUtil.release(req);
            request = null;
            ProxyContext.markCloseError(ctx.channel(), ProxyError.PROTOCOL_ERROR);
            fail(ProxyError.PROTOCOL_ERROR, s, "malformed request: " + c.getMessage());
            return;
        }
        keepAlive = h2 || HttpUtil.isKeepAlive(req);

        String abs = Authority.fromAbsoluteUri(path);
        String rawAuthority = abs != null ? abs : req.headers().get(HttpHeaderNames.HOST);
        if (rawAuthority == null || !rawAuthority.equals(lastRawAuthority)) {
            lastRawAuthority = rawAuthority;
            lastNormalizedAuthority = Authority.normalize(rawAuthority, 80);
        }
        authority = lastNormalizedAuthority;
        if (abs != null && !h2) {
            req.setUri(Authority.originForm(path));
            if (!req.headers().contains(HttpHeaderNames.HOST)) {
                req.headers().set(HttpHeaderNames.HOST, abs);
            }
        }
        if (proxy.tap.active()) {
            proxy.tap.request(this);
        }
        if (!proxy.tryAcquireRequest()) {
            fail(ProxyError.OVERLOADED, 503, "too many requests in flight");
            return;
        }
        admitted = true;
        resolveTarget();
    }

    private String lastRawAuthority;
    private String lastNormalizedAuthority;

    private static boolean isGrpc(HttpHeaders h) {
        String ct = h.get(HttpHeaderNames.CONTENT_TYPE);
        return ct != null && ct.regionMatches(true, 0, "application/grpc", 0, 16);
    }

    private void resolveTarget() {
        var cfg = proxy.config;
        if (lc.direction == Direction.INBOUND) {
            InetSocketAddress t = lc.fixedTarget;
            if (cfg.transparent()) {
                InetSocketAddress od = cfg.originalDestination().lookup(conn.channel);
                if (od != null) {
                    t = new InetSocketAddress("127.0.0.1", od.getPort());
                }
            }
            onTarget(proxy.resolver.target(t));
            return;
        }
        if (authority.isEmpty() || Authority.port(authority) < 0) {
            InetSocketAddress od = cfg.transparent() ? cfg.originalDestination().lookup(conn.channel) : null;
            if (od == null) {
                fail(ProxyError.NO_ROUTE, 502, authority.isEmpty() ? "request has no authority (Host)" : "invalid authority " + authority);
                return;
            }
            onTarget(proxy.resolver.target(od));
            return;
        }
        Target t = proxy.resolver.resolveNow(authority);
        if (t != null) {
            onTarget(t);
            return;
        }
        final long exchangeId = id;
        proxy.resolver.resolveAsync(authority, ctx.executor()).addListener((Future<Target> f) -> {
            if (!active || id != exchangeId) {
                return;
            }
            if (f.isSuccess()) {
                onTarget(f.getNow());
            } else {
                fail(ProxyError.DNS_FAILURE, 502, "cannot resolve " + Authority.host(authority));
            }
        });
    }

    private void onTarget(Target t) {
        target = t;
        edge = edge(t.peer());
        try {
            edge.request();
        } catch (RuntimeException e) {
            proxy.metrics.recordFailed(e);
        }
        proxy.upstreams.acquire(ctx.channel().eventLoop(), lc.direction, t.address(), h2, this);
    }

    private EdgeMetrics edge(String targetPeer) {
        String route = proxy.config.routes().match(method, path);
        return lastEdge.get(protocol, authority, route, targetPeer);
    }

    // ---------------------------------------------------------------- upstream acquired

    @Override
    public void onUpstream(Channel ch) {
        if (!active || upstream != null || request == null) {
            // the exchange ended (caller left, timeout) while connecting
            if (ch.isActive()) {
                ch.close();
            }
            return;
        }
        upstream = ch;
        UpstreamHandler uh = ch.pipeline().get(UpstreamHandler.class);
        uh.attach(this);
        HttpRequest req = request;
        request = null;
        if (!h2) {
            prepareHttp1Request(req);
        }
        boolean last = req instanceof LastHttpContent;
        if (last) {
            requestDone = true;
        }
        ChannelFuture f = ch.write(req);
        if (last) {
            f.addListener(this::onRequestEndWritten);
        } else {
            f.addListener(upstreamWriteListener);
        }
        while (!pending.isEmpty() && !requestDone) {
            Object m = pending.poll();
            if (m instanceof HttpContent) {
                forwardRequestPart((HttpContent) m, false);
            } else {
                ReferenceCountUtil.release(m);
            }
        }
        flushUpstream();
        if (!requestDone) {
            // More body to come: ask the caller for it once the upstream accepted what we have.
            f.addListener((ChannelFuture w) -> {
                if (w.isSuccess() && active && !requestDone && pending.isEmpty()) {
                    ctx.read();
                }
            });
        }
        ch.read(); // start receiving the response
    }

    @Override
    public void onUpstreamFailure(Throwable cause) {
        if (!active) {
            return;
        }
        if (cause instanceof ConnectTimeoutException) {
            fail(ProxyError.CONNECT_TIMEOUT, 504, "connect to " + ConnectionInfo.format(target.address()) + " timed out");
        } else if (cause instanceof ConnectException) {
            fail(ProxyError.CONNECT_REFUSED, 502, "connect to " + ConnectionInfo.format(target.address()) + " refused");
        } else if (cause instanceof UnknownHostException) {
            fail(ProxyError.DNS_FAILURE, 502, "cannot resolve " + authority);
        } else if (cause instanceof java.io.IOException) {
            fail(ProxyError.CONNECT_REFUSED, 502, "connect to " + ConnectionInfo.format(target.address()) + " failed: " + cause.getMessage());
        } else {
            fail(ProxyError.UPSTREAM_RESET, 502, "upstream stream could not be opened: " + cause.getMessage());
        }
    }

    private void prepareHttp1Request(HttpRequest req) {
        HttpHeaders h = req.headers();
        stripHopByHop(h);
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    private static void stripHopByHop(HttpHeaders h) {
        String connection = h.get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
            for (String token : connection.split(",")) {
                String t = token.trim();
                if (!t.isEmpty() && !t.equalsIgnoreCase("close") && !t.equalsIgnoreCase("keep-alive")) {
                    h.remove(t);
                }
            }
            h.remove(HttpHeaderNames.CONNECTION);
        }
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.PROXY_CONNECTION);
        h.remove(HttpHeaderNames.UPGRADE);
        h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    }

    private final ChannelFutureListener upstreamWriteListener = f -> {
        if (!f.isSuccess()) {
            onUpstreamClosed(f.cause());
        }
    };

    private void forwardRequestPart(HttpContent c, boolean flush) {
        requestBytes += c.content().readableBytes();
        boolean last = c instanceof LastHttpContent;
        if (last) {
            requestDone = true;
        }
        ChannelFuture f = upstream.write(c);
        if (flush) {
            flushUpstream();
        }
        if (last) {
            f.addListener(this::onRequestEndWritten);
        } else if (flush) {
            f.addListener((ChannelFuture w) -> {
                if (!w.isSuccess()) {
                    onUpstreamClosed(w.cause());
                } else if (active && !requestDone) {
                    ctx.read();
                }
            });
        } else {
            f.addListener(upstreamWriteListener);
        }
    }

    private void onRequestEndWritten(Future<? super Void> f) {
        if (!f.isSuccess()) {
            onUpstreamClosed(f.cause());
            return;
        }
        requestSent = true;
        if (active && !h2 && pending.isEmpty()) {
            ctx.read(); // notices the caller leaving (or a pipelined request) while we wait
        }
        if (active && !responseStarted && !responseDone && responseTimer == null) {
            final long exchangeId = id;
            responseTimer = ctx.executor().schedule(() -> {
                responseTimer = null;
                if (active && id == exchangeId && !responseStarted) {
                    fail(ProxyError.RESPONSE_TIMEOUT, 504, "no response headers within "
                            + proxy.config.responseTimeout().toMillis() + "ms");
                }
            }, proxy.config.responseTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    // ---------------------------------------------------------------- upstream events

    void onUpstreamRead(Object msg) {
        if (!active || responseDone) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof Http2ResetFrame) {
            ReferenceCountUtil.release(msg);
            onUpstreamClosed(null);
            return;
        }
        if (!(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            upstream.read();
            return;
        }
        if (msg instanceof HttpResponse) {
            HttpResponse rsp = (HttpResponse) msg;
            if (rsp.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                upstreamReusable = false;
                fail(ProxyError.PROTOCOL_ERROR, 502, "malformed response from upstream: " + rsp.decoderResult().cause().getMessage());
                return;
            }
            int code = rsp.status().code();
            if (code >= 100 && code < 200 && code != 101) {
                informational = !(msg instanceof LastHttpContent);
                writeDownstream(msg, false);
                return;
            }
            status = code;
            responseStarted = true;
            headersNanos = System.nanoTime();
            cancelTimer();
            if (!h2) {
                upstreamReusable = HttpUtil.isKeepAlive(rsp);
                prepareHttp1Response(rsp);
            }
            if (protocol == Protocol.GRPC) {
                grpcStatus = parseGrpcStatus(rsp.headers().get("grpc-status"));
            }
            if (proxy.tap.active()) {
                proxy.tap.response(this);
            }
        }
        if (msg instanceof HttpContent) {
            responseBytes += ((HttpContent) msg).content().readableBytes();
        }
        boolean last = msg instanceof LastHttpContent;
        if (last && informational) {
            informational = false;
            writeDownstream(msg, false);
            return;
        }
        if (last) {
            responseDone = true;
            if (protocol == Protocol.GRPC) {
                String gs = ((LastHttpContent) msg).trailingHeaders().get("grpc-status");
                if (gs != null) {
                    grpcStatus = parseGrpcStatus(gs);
                }
            }
        }
        writeDownstream(msg, last);
    }

    private void writeDownstream(Object msg, boolean last) {
        ChannelFuture f;
        if (last) {
            downstreamFlushPending = false;
            f = ctx.writeAndFlush(msg);
        } else {
            downstreamFlushPending = true; // flushed when the upstream's read batch completes
            f = ctx.write(msg);
        }
        if (last) {
            f.addListener(this::onResponseEndWritten);
        } else {
            f.addListener((ChannelFuture w) -> {
                if (w.isSuccess()) {
                    if (active && upstream != null) {
                        upstream.read();
                    }
                } else if (active) {
                    fail(ProxyError.DOWNSTREAM_RESET, 0, "write to caller failed");
                }
            });
        }
    }

    private void prepareHttp1Response(HttpResponse rsp) {
        HttpHeaders h = rsp.headers();
        stripHopByHop(h);
        boolean close = !keepAlive || closeAfterResponse || proxy.draining || !requestDone;
        HttpVersion callerVersion = HttpVersion.HTTP_1_1;
        rsp.setProtocolVersion(callerVersion);
        if (!HttpUtil.isContentLengthSet(rsp) && !HttpUtil.isTransferEncodingChunked(rsp)
            && !(rsp instanceof LastHttpContent) && !bodyless(rsp.status().code())) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (close) {
            closeAfterResponse = true;
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    private boolean bodyless(int code) {
        return code == 204 || code == 304 || "HEAD".equals(method);
    }

    static int parseGrpcStatus(String s) {
        if (s == null) {
            return -1;
        }
        if (s.length() == 1) {
            char c = s.charAt(0);
            return c >= '0' && c <= '9' ? c - '0' : -1;
        }
        if (s.length() == 2 && s.charAt(0) == '1' && s.charAt(1) >= '0' && s.charAt(1) <= '6') {
            return 10 + s.charAt(1) - '0';
        }
        return -1;
    }

    /** Upstream closed or failed; {@code cause} null for a clean close or a stream reset. */
    void onUpstreamClosed(Throwable cause) {
        if (!active || responseDone) {
            return;
        }
        upstreamReusable = false;
        if (cause instanceof io.netty.handler.codec.DecoderException) {
            fail(ProxyError.PROTOCOL_ERROR, 502, "malformed response from upstream: " + cause.getMessage());
        } else {
            fail(ProxyError.UPSTREAM_RESET, 502, "upstream closed before the response ended");
        }
    }

    // ---------------------------------------------------------------- completion

    private void onResponseEndWritten(Future<? super Void> f) {
        if (!active) {
            return;
        }
        if (!f.isSuccess()) {
            fail(ProxyError.DOWNSTREAM_RESET, 0, "write to caller failed");
            return;
        }
        ProxyError e = ProxyError.NONE;
        if (protocol == Protocol.GRPC && grpcStatus < 0) {
            e = ProxyError.PROTOCOL_ERROR; // a gRPC response must end with grpc-status
        }
        finish(e);
        Channel up = upstream;
        upstream = null;
        if (up != null) {
            UpstreamHandler uh = up.pipeline().get(UpstreamHandler.class);
            if (uh != null) {
                uh.detach();
            }
            if (h2) {
                if (!requestDone) {
                    up.close(); // resets the upstream stream: the caller's rest is not wanted
                }
            } else if (upstreamReusable && requestDone && requestSent && up.isActive()) {
                proxy.upstreams.release(up, lc.direction, target.address());
            } else {
                up.close();
            }
        }
        afterExchange();
    }

    /**
     * Ends the exchange with an error: answers the caller if no response started (else aborts
     * the caller's connection or stream), closes the upstream, records the metrics.
     */
    private void fail(ProxyError err, int httpStatus, String detail) {
        if (!active) {
            return;
        }
        cancelTimer();
        Channel up = upstream;
        upstream = null;
        if (up != null) {
            UpstreamHandler uh = up.pipeline().get(UpstreamHandler.class);
            if (uh != null) {
                uh.detach();
            }
            up.close();
        }
        if (request != null) {
            ReferenceCountUtil.release(request);
            request = null;
        }
        releasePending();
        boolean canAnswer = !responseStarted && httpStatus > 0 && ctx.channel().isActive();
        if (canAnswer) {
            status = httpStatus;
            grpcStatus = -1;
            headersNanos = System.nanoTime();
            boolean close = !h2;
            FullHttpResponse r = ErrorResponses.create(ctx.alloc(), httpStatus, err, detail, close);
            responseBytes = r.content().readableBytes();
            if (proxy.tap.active()) {
                proxy.tap.response(this);
            }
            finish(err);
            closeAfterResponse = true;
            ChannelFuture f = ctx.writeAndFlush(r);
            if (!h2) {
                f.addListener(ChannelFutureListener.CLOSE);
            } else if (!requestDone) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        if (!responseStarted) {
            status = 0;
        }
        if (headersNanos == 0) {
            headersNanos = System.nanoTime();
        }
        finish(err);
        ctx.close(); // aborts: HTTP/1 connection closes, HTTP/2 stream is reset
    }

    /** Records the exchange (once) and frees its admission slot. */
    private void finish(ProxyError err) {
        error = err;
        endNanos = System.nanoTime();
        if (headersNanos == 0) {
            headersNanos = endNanos;
        }
        try {
            if (edge == null) {
                edge = edge(target != null ? target.peer() : "");
                edge.request();
            }
            edge.response(status, grpcStatus, err, headersNanos - startNanos, requestBytes, responseBytes);
        } catch (RuntimeException e) {
            proxy.metrics.recordFailed(e);
        }
        if (proxy.tap.active()) {
            proxy.tap.end(this);
        }
        if (admitted) {
            admitted = false;
            proxy.releaseRequest();
        }
        active = false;
    }

    private void afterExchange() {
        if (h2) {
            return; // the stream closes itself once both sides ended
        }
        if (closeAfterResponse || !keepAlive || !requestDone || proxy.draining) {
            closeOnFlush(ctx.channel());
            releasePending();
            return;
        }
        if (pending.isEmpty()) {
            ctx.read();
            return;
        }
        while (!active && !pending.isEmpty()) {
            // outside a read batch (no read-complete follows): upstream writes flush at once
            inDownstreamRead = false;
            channelRead0(pending.poll());
        }
    }

    private void cancelTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    private void releasePending() {
        Object m;
        while ((m = pending.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    /** Closes after everything queued has been written (Netty proxy example's helper). */
    static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    // ---------------------------------------------------------------- TapSource

    @Override public long tapId() { return id; }
    @Override public Direction direction() { return lc.direction; }
    @Override public String src() { return lc.direction == Direction.INBOUND ? conn.remote : conn.local; }
    @Override public String dst() {
        return target != null ? ConnectionInfo.format(target.address()) : lc.direction == Direction.INBOUND ? conn.local : "";
    }
    @Override public String method() { return method; }
    @Override public String authority() { return authority; }
    @Override public String path() { return path; }
    @Override public int statusCode() { return status; }
    @Override public int grpcStatus() { return grpcStatus; }
    @Override public long latencyNanos() { return headersNanos == 0 ? 0 : headersNanos - startNanos; }
    @Override public long durationNanos() { return (endNanos == 0 ? System.nanoTime() : endNanos) - startNanos; }
    @Override public long responseBytes() { return responseBytes; }
    @Override public ProxyError error() { return error; }

    static String routeOf(ListenerContext lc, String method, String path) {
        return lc.proxy.config.routes().match(method, path);
    }

    static final String DEFAULT_ROUTE = RouteTable.DEFAULT;
    static final HttpMethod HEAD = HttpMethod.HEAD;
}
