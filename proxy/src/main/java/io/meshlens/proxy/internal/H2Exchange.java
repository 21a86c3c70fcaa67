package io.meshlens.proxy.internal;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.EdgeMetrics;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.routes.RouteTable;
import io.meshlens.proxy.tap.TapSource;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.Future;

/**
 * One HTTP/2 request forwarded frame by frame: caller stream {@link #callerId} on an
 * {@link H2CallerConnection} to upstream stream {@link #upstreamId} on an
 * {@link H2UpstreamConnection}. HEADERS, DATA and trailers pass through as frames; received DATA is
 * given back to the sender's flow-control window only once it was written to the other side, so a
 * slow reader on either end slows the writer on the other end and nothing is buffered without bound.
 * Records the exchange's metrics and tap events exactly once when it ends. Everything runs on the
 * caller connection's event loop, which the upstream connection shares.
 */
final class H2Exchange implements H2UpstreamConnection.Waiter, TapSource {
    /** Tap ids of HTTP/2 exchanges start high so that they never collide with the HTTP/1 handler's. */
    private static final AtomicLong IDS = new AtomicLong(1L << 48);

    private final H2CallerConnection caller;
    private final ListenerContext lc;
    private final ProxyContext proxy;
    private final Http2Stream callerStream;
    private final int callerId;

    private boolean active;
    private boolean admitted;
    private long id;
    private Http2Headers requestHeaders;
    // request line as received; turned into Strings only for a route table or a tap
    private CharSequence methodSeq;
    private CharSequence pathSeq;
    private String method;
    private String path;
    private String authority = "";
    private Protocol protocol = Protocol.HTTP2;
    private Target target;
    private EdgeMetrics edge;

    /** Request DATA (and trailers) received before the upstream stream exists; bounded by the caller's window. */
    private ArrayDeque<Object> pending;
    private H2UpstreamConnection upstream;
    private int upstreamId = -1;
    private Http2Stream upstreamStream;
    private boolean retried;

    private boolean requestEndReceived;
    private boolean requestEndSent;
    private boolean requestDataSent;
    private boolean responseStarted;
    private boolean responseEndReceived;
    private boolean responseEndIssued;
    private int status;
    private int grpcStatus = -1;
    private long startNanos;
    private long headersNanos;
    private long endNanos;
    private long requestBytes;
    private long responseBytes;
    private ProxyError error = ProxyError.NONE;
    /** System.nanoTime() by which response headers must have arrived, 0 when not waiting. */
    private long responseDeadline;

    H2Exchange(H2CallerConnection caller, Http2Stream callerStream) {
        this.caller = caller;
        this.lc = caller.lc;
        this.proxy = caller.lc.proxy;
        this.callerStream = callerStream;
        this.callerId = callerStream.id();
    }

    // ---------------------------------------------------------------- request from the caller

    void start(Http2Headers headers, boolean endStream) {
        active = true;
        id = IDS.incrementAndGet();
        startNanos = System.nanoTime();
        requestHeaders = headers;
        requestEndReceived = endStream;
        methodSeq = headers.method();
        pathSeq = headers.path();
        CharSequence raw = headers.authority();
        if (raw == null) {
            raw = headers.get(HttpHeaderNames.HOST);
        }
        authority = caller.normalizeAuthority(raw == null ? null : raw.toString());
        protocol = H2Messages.isGrpc(headers) ? Protocol.GRPC : Protocol.HTTP2;
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

    /** Returns whether this exchange took the bytes (and so returns them to the window later). */
    boolean onRequestData(ByteBuf data, int padding, boolean end) {
        if (!active || responseEndIssued || requestEndReceived) {
            return false;
        }
        requestBytes += data.readableBytes();
        if (end) {
            requestEndReceived = true;
        }
        if (upstreamId > 0) {
            forwardData(data.retain(), padding, end);
            upstream.flushFor(caller);
        } else {
            pendingQueue().add(new PendingData(data.retain(), padding, end));
        }
        return true;
    }

    void onRequestTrailers(Http2Headers trailers, boolean end) {
        if (!active || responseEndIssued || requestEndReceived) {
            return;
        }
        requestEndReceived = true;
        if (upstreamId > 0) {
            forwardTrailers(trailers);
            upstream.flushFor(caller);
        } else {
            pendingQueue().add(trailers);
        }
    }

    void onCallerReset(long errorCode) {
        if (active) {
            fail(ProxyError.DOWNSTREAM_RESET, 0, "caller reset the stream (" + errorName(errorCode) + ")");
        }
    }

    /** The caller's stream closed (connection gone, or both ends done). */
    void onCallerStreamClosed() {
        if (active && !responseEndIssued) {
            if (protocolError != null) {
                fail(ProxyError.PROTOCOL_ERROR, 0, "malformed HTTP/2: " + protocolError);
            } else {
                fail(ProxyError.DOWNSTREAM_RESET, 0, "caller closed the stream");
            }
        }
    }

    /** Netty found a malformed frame for this exchange (either side) and is about to reset that stream. */
    void markProtocolError(String detail) {
        if (protocolError == null) {
            protocolError = String.valueOf(detail);
        }
    }

    private String protocolError;

    private ArrayDeque<Object> pendingQueue() {
        if (pending == null) {
            pending = new ArrayDeque<>(4);
        }
        return pending;
    }

    // ---------------------------------------------------------------- target and upstream

    private void resolveTarget() {
        var cfg = proxy.config;
        if (lc.direction == Direction.INBOUND) {
            InetSocketAddress t = lc.fixedTarget;
            if (cfg.transparent()) {
                InetSocketAddress od = cfg.originalDestination().lookup(caller.conn.channel);
                if (od != null) {
                    t = new InetSocketAddress("127.0.0.1", od.getPort());
                }
            }
            onTarget(caller.target(t));
            return;
        }
        if (authority.isEmpty() || Authority.port(authority) < 0) {
            InetSocketAddress od = cfg.transparent() ? cfg.originalDestination().lookup(caller.conn.channel) : null;
            if (od == null) {
                fail(ProxyError.NO_ROUTE, 502, authority.isEmpty() ? "request has no authority" : "invalid authority " + authority);
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
        proxy.resolver.resolveAsync(authority, caller.ctx.executor()).addListener((Future<Target> f) -> {
            if (!active) {
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
        edge = caller.edge(protocol, authority, route(), t.peer());
        try {
            edge.request();
        } catch (RuntimeException e) {
            proxy.metrics.recordFailed(e);
        }
        proxy.h2Upstreams.acquire(caller.ctx.channel().eventLoop(), lc.direction, t.address(), this);
    }

    @Override
    public void onUpstream(H2UpstreamConnection up) {
        if (!active || upstream != null) {
            return;
        }
        boolean headersEnd = requestEndReceived && (pending == null || pending.isEmpty());
        ChannelPromise p = up.newPromise();
        int sid = up.open(this, requestHeaders, headersEnd, p);
        if (sid < 0) {
            if (!retried) {
                retried = true;
                proxy.h2Upstreams.acquire(caller.ctx.channel().eventLoop(), lc.direction, target.address(), this);
            } else {
                fail(ProxyError.UPSTREAM_RESET, 502, "upstream connection accepts no new streams");
            }
            return;
        }
        upstream = up;
        upstreamId = sid;
        if (headersEnd) {
            requestEndSent = true;
            p.addListener(requestEndWritten(up, sid));
        } else {
            p.addListener(upstreamWriteFailed(up, sid));
        }
        if (pending != null) {
            Object m;
            while ((m = pending.poll()) != null) {
                if (m instanceof PendingData d) {
                    forwardData(d.data, d.padding, d.end);
                } else {
                    forwardTrailers((Http2Headers) m);
                }
            }
        }
        up.flushFor(caller);
    }

    @Override
    public void onUpstreamFailure(Throwable cause) {
        if (!active) {
            return;
        }
        String to = ConnectionInfo.format(target.address());
        if (cause instanceof ConnectTimeoutException) {
            fail(ProxyError.CONNECT_TIMEOUT, 504, "connect to " + to + " timed out");
        } else if (cause instanceof ConnectException) {
            fail(ProxyError.CONNECT_REFUSED, 502, "connect to " + to + " refused");
        } else if (cause instanceof UnknownHostException) {
            fail(ProxyError.DNS_FAILURE, 502, "cannot resolve " + authority);
        } else if (cause instanceof java.io.IOException) {
            fail(ProxyError.CONNECT_REFUSED, 502, "connect to " + to + " failed: " + cause.getMessage());
        } else {
            fail(ProxyError.UPSTREAM_RESET, 502, "upstream connection failed: " + cause.getMessage());
        }
    }

    private void forwardData(ByteBuf data, int padding, boolean end) {
        requestDataSent = true;
        int n = data.readableBytes() + padding;
        H2UpstreamConnection up = upstream;
        int sid = upstreamId;
        ChannelPromise p = up.newPromise();
        if (end) {
            requestEndSent = true;
        }
        up.writeData(sid, data, end, p);
        p.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                caller.consume(callerStream, n); // only now may the caller send more
                if (end) {
                    onRequestEndWritten(up, sid);
                }
            } else {
                onUpstreamWriteFailed(up, sid);
            }
        });
    }

    private void forwardTrailers(Http2Headers trailers) {
        requestEndSent = true;
        ChannelPromise p = upstream.newPromise();
        upstream.writeHeaders(upstreamId, trailers, true, p);
        p.addListener(requestEndWritten(upstream, upstreamId));
    }

    private ChannelFutureListener requestEndWritten(H2UpstreamConnection up, int sid) {
        return f -> {
            if (f.isSuccess()) {
                onRequestEndWritten(up, sid);
            } else {
                onUpstreamWriteFailed(up, sid);
            }
        };
    }

    private ChannelFutureListener upstreamWriteFailed(H2UpstreamConnection up, int sid) {
        return f -> {
            if (!f.isSuccess()) {
                onUpstreamWriteFailed(up, sid);
            }
        };
    }

    private void onRequestEndWritten(H2UpstreamConnection up, int sid) {
        if (!active || upstream != up || upstreamId != sid || responseStarted || responseDeadline != 0) {
            return;
        }
        // checked by the caller connection's periodic sweep: no timer per request
        responseDeadline = System.nanoTime() + proxy.config.responseTimeout().toNanos();
        caller.watchResponseDeadlines();
    }

    boolean responseOverdue(long now) {
        return active && !responseStarted && responseDeadline != 0 && now - responseDeadline >= 0;
    }

    void onResponseTimeout() {
        if (active && !responseStarted) {
            fail(ProxyError.RESPONSE_TIMEOUT, 504, "no response headers within "
                    + proxy.config.responseTimeout().toMillis() + "ms");
        }
    }

    private void onUpstreamWriteFailed(H2UpstreamConnection up, int sid) {
        if (!active || upstream != up || upstreamId != sid || responseEndReceived) {
            return;
        }
        if (up.refusedByGoAway(sid) && retry()) {
            return;
        }
        fail(ProxyError.UPSTREAM_RESET, 502, "write to upstream failed");
    }

    /**
     * Sends the request again on another connection when the target provably did not process it
     * (GOAWAY below its stream id, or REFUSED_STREAM) and nothing but its headers left the proxy.
     */
    private boolean retry() {
        if (retried || responseStarted || requestDataSent || target == null) {
            return false;
        }
        retried = true;
        detachUpstream(false);
        requestEndSent = false;
        cancelTimer();
        proxy.h2Upstreams.acquire(caller.ctx.channel().eventLoop(), lc.direction, target.address(), this);
        return true;
    }

    // ---------------------------------------------------------------- response from the upstream

    void onResponseHeaders(Http2Headers headers, boolean endStream) {
        if (!active || responseEndIssued) {
            return;
        }
        if (!responseStarted) {
            int code = H2Messages.status(headers);
            if (code < 100 || code == 101) {
                fail(ProxyError.PROTOCOL_ERROR, 502, "malformed response from upstream: :status " + headers.status());
                return;
            }
            if (code < 200) { // informational: passes through, the final response follows
                ChannelPromise p = caller.newPromise();
                caller.writeHeaders(callerId, headers, false, p);
                p.addListener(callerWriteFailed);
                caller.flushFor(upstream);
                return;
            }
            status = code;
            responseStarted = true;
            headersNanos = System.nanoTime();
            cancelTimer();
            upstreamStream = upstream.stream(upstreamId);
            if (protocol == Protocol.GRPC) {
                grpcStatus = H2Messages.grpcStatus(headers); // trailers-only response
            }
            if (proxy.tap.active()) {
                proxy.tap.response(this);
            }
        } else if (protocol == Protocol.GRPC) {
            int g = H2Messages.grpcStatus(headers);
            if (g >= 0) {
                grpcStatus = g;
            }
        }
        if (endStream) {
            responseEndReceived = true;
            responseEndIssued = true;
        }
        ChannelPromise p = caller.newPromise();
        caller.writeHeaders(callerId, headers, endStream, p);
        p.addListener(endStream ? responseEndWritten : callerWriteFailed);
        caller.flushFor(upstream);
    }

    /** Returns whether this exchange took the bytes (and so returns them to the window later). */
    boolean onResponseData(ByteBuf data, int padding, boolean end) {
        if (!active || responseEndIssued || !responseStarted) {
            return false;
        }
        int n = data.readableBytes() + padding;
        responseBytes += data.readableBytes();
        if (end) {
            responseEndReceived = true;
            responseEndIssued = true;
        }
        ChannelPromise p = caller.newPromise();
        caller.writeData(callerId, data.retain(), end, p);
        if (end) {
            p.addListener(responseEndWritten);
        } else {
            H2UpstreamConnection up = upstream;
            Http2Stream us = upstreamStream;
            p.addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    up.consume(us, n); // only now may the upstream send more
                } else {
                    onCallerWriteFailed();
                }
            });
        }
        caller.flushFor(upstream);
        return true;
    }

    void onUpstreamReset(long errorCode) {
        if (!active || responseEndReceived) {
            return;
        }
        upstream = null; // the stream is gone already
        if (errorCode == Http2Error.REFUSED_STREAM.code() && retry()) {
            return;
        }
        failUpstream("upstream reset the stream (" + errorName(errorCode) + ")", errorCode);
    }

    /** The upstream stream closed without a RST_STREAM for it: connection closed, or GOAWAY. */
    void onUpstreamStreamClosed() {
        if (!active || responseEndReceived) {
            return;
        }
        H2UpstreamConnection up = upstream;
        upstream = null;
        if (up != null && up.refusedByGoAway(upstreamId) && retry()) {
            return;
        }
        if (protocolError != null) {
            fail(ProxyError.PROTOCOL_ERROR, 502, "malformed response from upstream: " + protocolError);
            return;
        }
        failUpstream("upstream closed before the response ended", Http2Error.INTERNAL_ERROR.code());
    }

    private void failUpstream(String detail, long resetCode) {
        upstreamResetCode = resetCode;
        fail(ProxyError.UPSTREAM_RESET, 502, detail);
    }

    private long upstreamResetCode = Http2Error.INTERNAL_ERROR.code();

    private final ChannelFutureListener callerWriteFailed = f -> {
        if (!f.isSuccess()) {
            onCallerWriteFailed();
        }
    };

    private void onCallerWriteFailed() {
        if (active) {
            fail(ProxyError.DOWNSTREAM_RESET, 0, "write to caller failed");
        }
    }

    // ---------------------------------------------------------------- completion

    private final ChannelFutureListener responseEndWritten = this::onResponseEndWritten;

    private void onResponseEndWritten(ChannelFuture f) {
        if (!active) {
            return;
        }
        if (!f.isSuccess()) {
            fail(ProxyError.DOWNSTREAM_RESET, 0, "write to caller failed");
            return;
        }
        finish(protocol == Protocol.GRPC && grpcStatus < 0 ? ProxyError.PROTOCOL_ERROR : ProxyError.NONE);
        // the response ended before the request did: neither side needs the rest of it
        detachUpstream(!requestEndSent);
        if (!requestEndReceived) {
            caller.reset(callerId, Http2Error.NO_ERROR);
            caller.flushFor(null);
        }
    }

    /** Stops forwarding to the upstream stream; resets it if it may still be open. */
    private void detachUpstream(boolean reset) {
        H2UpstreamConnection up = upstream;
        upstream = null;
        upstreamStream = null;
        if (up != null && upstreamId > 0) {
            up.forget(upstreamId, this);
            if (reset) {
                up.reset(upstreamId, Http2Error.CANCEL);
                up.flushFor(caller);
            }
        }
        upstreamId = -1;
    }

    /**
     * Ends the exchange with an error: answers the caller if no response started (else resets the
     * caller's stream), cancels the upstream stream, records the metrics.
     */
    private void fail(ProxyError err, int httpStatus, String detail) {
        if (!active) {
            return;
        }
        cancelTimer();
        detachUpstream(!(requestEndSent && responseEndReceived));
        releasePending();
        Http2Stream s = caller.stream(callerId);
        boolean open = s != null && (s.state() == Http2Stream.State.OPEN || s.state() == Http2Stream.State.HALF_CLOSED_REMOTE);
        if (!responseStarted && httpStatus > 0 && open) {
            status = httpStatus;
            grpcStatus = -1;
            headersNanos = System.nanoTime();
            ByteBuf body = H2Messages.errorBody(caller.ctx.alloc(), err, detail);
            responseBytes = body.readableBytes();
            if (proxy.tap.active()) {
                proxy.tap.response(this);
            }
            finish(err);
            responseEndIssued = true;
            caller.writeHeaders(callerId, H2Messages.errorHeaders(httpStatus, err, body.readableBytes()), false,
                    caller.newPromise());
            caller.writeData(callerId, body, true, caller.newPromise());
            if (!requestEndReceived) {
                caller.reset(callerId, Http2Error.NO_ERROR); // the rest of the request is not wanted
            }
            caller.flushFor(null);
            return;
        }
        if (!responseStarted) {
            status = 0;
        }
        if (headersNanos == 0) {
            headersNanos = System.nanoTime();
        }
        finish(err);
        if (open || (s != null && s.state() == Http2Stream.State.HALF_CLOSED_LOCAL)) {
            long code = err == ProxyError.UPSTREAM_RESET ? upstreamResetCode : Http2Error.CANCEL.code();
            caller.encoder().writeRstStream(caller.ctx, callerId, code, caller.newPromise());
            caller.flushFor(null);
        }
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
                edge = caller.edge(protocol, authority, route(),
                        target != null ? target.peer() : "");
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
        requestHeaders = null;
    }

    private void cancelTimer() {
        responseDeadline = 0;
    }

    private void releasePending() {
        if (pending == null) {
            return;
        }
        Object m;
        while ((m = pending.poll()) != null) {
            if (m instanceof PendingData d) {
                d.data.release();
            }
        }
    }

    private static String errorName(long code) {
        Http2Error e = Http2Error.valueOf(code);
        return e != null ? e.name() : Long.toString(code);
    }

    /** Request DATA waiting for the upstream stream (retained; released if never sent). */
    private record PendingData(ByteBuf data, int padding, boolean end) {}

    // ---------------------------------------------------------------- TapSource

    @Override public long tapId() { return id; }
    @Override public Direction direction() { return lc.direction; }
    @Override public String src() { return lc.direction == Direction.INBOUND ? caller.conn.remote : caller.conn.local; }
    @Override public String dst() {
        return target != null ? ConnectionInfo.format(target.address()) : lc.direction == Direction.INBOUND ? caller.conn.local : "";
    }
    private String route() {
        var routes = proxy.config.routes();
        return routes.size() == 0 ? RouteTable.DEFAULT : routes.match(method(), path());
    }

    @Override public String method() {
        if (method == null) {
            method = H2Messages.text(methodSeq);
        }
        return method;
    }
    @Override public String authority() { return authority; }
    @Override public String path() {
        if (path == null) {
            path = H2Messages.text(pathSeq);
        }
        return path;
    }
    @Override public int statusCode() { return status; }
    @Override public int grpcStatus() { return grpcStatus; }
    @Override public long latencyNanos() { return headersNanos == 0 ? 0 : headersNanos - startNanos; }
    @Override public long durationNanos() { return (endNanos == 0 ? System.nanoTime() : endNanos) - startNanos; }
    @Override public long responseBytes() { return responseBytes; }
    @Override public ProxyError error() { return error; }
}
