package io.meshlens.proxy.internal.http2;

import java.util.concurrent.TimeUnit;

import io.meshlens.proxy.internal.http.ErrorResponses;
import io.meshlens.proxy.internal.http.Exchange;
import io.meshlens.proxy.internal.http.Failure;
import io.meshlens.proxy.internal.http.Target;
import io.meshlens.proxy.internal.http.TargetResolver;
import io.meshlens.proxy.metrics.GrpcStatus;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.trace.TraceContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * One HTTP/2 request forwarded frame by frame: caller stream {@link #callerId} on an
 * {@link H2CallerConnection} to upstream stream {@link #upstreamId} on an
 * {@link H2UpstreamConnection}. HEADERS, DATA and trailers pass through as frames; received DATA is
 * given back to the sender's flow-control window only once it was written to the other side, so a
 * slow reader on either end slows the writer on the other end and nothing is buffered without bound.
 * The {@link Exchange} records the metrics and tap events once when it ends. Everything runs on the
 * caller connection's event loop, which the upstream connection shares.
 */
final class H2Exchange implements H2UpstreamConnection.Waiter, TargetResolver.Callback, H2PendingRequest.Forwarder {
    private final H2CallerConnection caller;
    private final Exchange exchange;
    private final Http2Stream callerStream;
    private final int callerId;

    private Http2Headers requestHeaders;
    /** The gRPC request's {@code grpc-timeout} in nanoseconds, -1 without one. */
    private long grpcTimeoutNanos = -1;
    private long startNanos;
    /** The caller reset its stream: RFC 9113 5.4.2 forbids answering a RST_STREAM with one. */
    private boolean callerReset;

    /** Made only when request frames arrive before the upstream stream exists. */
    private H2PendingRequest pending;
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
    /** System.nanoTime() by which response headers must have arrived, 0 when not waiting. */
    private long responseDeadline;

    H2Exchange(H2CallerConnection caller, Http2Stream callerStream) {
        this.caller = caller;
        this.exchange = caller.newExchange();
        this.callerStream = callerStream;
        this.callerId = callerStream.id();
    }

    // ---------------------------------------------------------------- request from the caller

    void start(Http2Headers headers, boolean endStream) {
        requestHeaders = headers;
        requestEndReceived = endStream;
        CharSequence raw = headers.authority();
        if (raw == null) {
            raw = headers.get(HttpHeaderNames.HOST);
        }
        boolean grpc = H2Messages.isGrpc(headers);
        exchange.begin(grpc ? Protocol.GRPC : Protocol.HTTP2, headers.method(), headers.path(),
                caller.normalizeAuthority(raw == null ? null : raw.toString()));
        exchange.traceId(TraceContext.fromHeaders(headers));
        startNanos = System.nanoTime();
        grpcTimeoutNanos = grpc ? H2Messages.grpcTimeoutNanos(headers.get(H2Messages.GRPC_TIMEOUT)) : -1;
        if (!exchange.admit()) {
            fail(Failure.overloaded());
            return;
        }
        caller.resolver().resolve(exchange, this);
    }

    /** Returns whether this exchange took the bytes (and so returns them to the window later). */
    boolean onRequestData(ByteBuf data, int padding, boolean end) {
        if (!exchange.active() || responseEndIssued || requestEndReceived) {
            return false;
        }
        exchange.addRequestBytes(data.readableBytes());
        if (end) {
            requestEndReceived = true;
        }
        if (upstreamId > 0) {
            forwardData(data.retain(), padding, end);
            upstream.flushFor(caller);
        } else {
            pending().addData(data.retain(), padding, end);
        }
        return true;
    }

    void onRequestTrailers(Http2Headers trailers, boolean end) {
        if (!exchange.active() || responseEndIssued || requestEndReceived) {
            return;
        }
        requestEndReceived = true;
        if (upstreamId > 0) {
            forwardTrailers(trailers);
            upstream.flushFor(caller);
        } else {
            pending().addTrailers(trailers);
        }
    }

    void onCallerReset(long errorCode) {
        if (exchange.active()) {
            callerReset = true;
            callerEnded("caller reset the stream (" + errorName(errorCode) + ")");
        }
    }

    /**
     * The caller went away before the response ended. A gRPC call gets the status its caller saw:
     * DEADLINE_EXCEEDED when its {@code grpc-timeout} had elapsed, else CANCELLED.
     */
    private void callerEnded(String detail) {
        if (exchange.protocol() == Protocol.GRPC) {
            exchange.grpcStatus(deadlineElapsed() ? GrpcStatus.DEADLINE_EXCEEDED : GrpcStatus.CANCELLED);
        }
        fail(ProxyError.DOWNSTREAM_RESET, 0, detail);
    }

    /**
     * Whether the call's deadline had passed. The caller's clock started before the request reached
     * the proxy and its reset travels back (both delayed further on a busy host), so a margin (a
     * tenth of the timeout, 5 ms to 1 s) keeps a deadline that fired from being read as a cancel.
     */
    private boolean deadlineElapsed() {
        if (grpcTimeoutNanos < 0) {
            return false;
        }
        long margin = Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(TimeUnit.SECONDS.toNanos(1), grpcTimeoutNanos / 10));
        return System.nanoTime() - startNanos >= grpcTimeoutNanos - margin;
    }

    /** The caller's stream closed (connection gone, or both ends done). */
    void onCallerStreamClosed() {
        if (exchange.active() && !responseEndIssued) {
            if (protocolError != null) {
                fail(ProxyError.PROTOCOL_ERROR, 0, "malformed HTTP/2: " + protocolError);
            } else {
                callerEnded("caller closed the stream");
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

    // ---------------------------------------------------------------- target and upstream

    @Override
    public void onTarget(Target t) {
        exchange.target(t);
        caller.acquireUpstream(t.address(), this);
    }

    @Override
    public void onFailure(Failure f) {
        fail(f);
    }

    @Override
    public void onUpstream(H2UpstreamConnection up) {
        if (!exchange.active() || upstream != null) {
            return;
        }
        boolean headersEnd = requestEndReceived && (pending == null || pending.isEmpty());
        ChannelPromise p = up.newPromise();
        int sid = up.open(this, requestHeaders, headersEnd, p);
        if (sid < 0) {
            if (!retried) {
                retried = true;
                caller.acquireUpstream(exchange.target().address(), this);
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
            pending.forwardTo(this);
        }
        up.flushFor(caller);
    }

    @Override
    public void onUpstreamFailure(Throwable cause) {
        if (exchange.active()) {
            fail(Failure.upstream(cause, exchange.target(), exchange.authority()));
        }
    }

    @Override
    public void forwardData(ByteBuf data, int padding, boolean end) {
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

    @Override
    public void forwardTrailers(Http2Headers trailers) {
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
        if (!exchange.active() || upstream != up || upstreamId != sid || responseStarted || responseDeadline != 0) {
            return;
        }
        // checked by the caller connection's periodic sweep: no timer per request
        responseDeadline = System.nanoTime() + caller.responseTimeoutNanos();
        caller.watchResponseDeadlines();
    }

    boolean responseOverdue(long now) {
        return exchange.active() && !responseStarted && responseDeadline != 0 && now - responseDeadline >= 0;
    }

    void onResponseTimeout() {
        if (exchange.active() && !responseStarted) {
            fail(Failure.responseTimeout(caller.responseTimeoutNanos() / 1_000_000));
        }
    }

    private void onUpstreamWriteFailed(H2UpstreamConnection up, int sid) {
        if (!exchange.active() || upstream != up || upstreamId != sid || responseEndReceived) {
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
        if (retried || responseStarted || requestDataSent || exchange.target() == null) {
            return false;
        }
        retried = true;
        detachUpstream(false);
        requestEndSent = false;
        cancelTimer();
        caller.acquireUpstream(exchange.target().address(), this);
        return true;
    }

    // ---------------------------------------------------------------- response from the upstream

    void onResponseHeaders(Http2Headers headers, boolean endStream) {
        if (!exchange.active() || responseEndIssued) {
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
            responseStarted = true;
            cancelTimer();
            upstreamStream = upstream.stream(upstreamId);
            if (exchange.protocol() == Protocol.GRPC) {
                exchange.grpcStatus(GrpcStatus.parse(headers.get(H2Messages.GRPC_STATUS))); // trailers-only response
            }
            exchange.responseHeaders(code);
        } else if (exchange.protocol() == Protocol.GRPC) {
            exchange.grpcStatus(GrpcStatus.parse(headers.get(H2Messages.GRPC_STATUS)));
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
        if (!exchange.active() || responseEndIssued || !responseStarted) {
            return false;
        }
        int n = data.readableBytes() + padding;
        exchange.addResponseBytes(data.readableBytes());
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
        if (!exchange.active() || responseEndReceived) {
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
        if (!exchange.active() || responseEndReceived) {
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
        if (exchange.active()) {
            fail(Failure.callerWriteFailed());
        }
    }

    // ---------------------------------------------------------------- completion

    private final ChannelFutureListener responseEndWritten = this::onResponseEndWritten;

    private void onResponseEndWritten(ChannelFuture f) {
        if (!exchange.active()) {
            return;
        }
        if (!f.isSuccess()) {
            fail(Failure.callerWriteFailed());
            return;
        }
        finish(null);
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

    private void fail(Failure f) {
        fail(f.error(), f.status(), f.detail());
    }

    /**
     * Ends the exchange with an error: answers the caller if no response started (else resets the
     * caller's stream), cancels the upstream stream, records the metrics.
     */
    private void fail(ProxyError err, int httpStatus, String detail) {
        if (!exchange.active()) {
            return;
        }
        cancelTimer();
        detachUpstream(!(requestEndSent && responseEndReceived));
        if (pending != null) {
            pending.release();
        }
        Http2Stream s = caller.stream(callerId);
        boolean open = s != null && (s.state() == Http2Stream.State.OPEN || s.state() == Http2Stream.State.HALF_CLOSED_REMOTE);
        if (!responseStarted && httpStatus > 0 && open) {
            byte[] text = ErrorResponses.body(err, detail);
            exchange.proxyResponse(httpStatus, text.length);
            finish(err);
            responseEndIssued = true;
            ByteBuf body = caller.ctx.alloc().buffer(text.length).writeBytes(text);
            caller.writeHeaders(callerId, ErrorResponses.http2Headers(httpStatus, err, text.length), false,
                    caller.newPromise());
            caller.writeData(callerId, body, true, caller.newPromise());
            if (!requestEndReceived) {
                caller.reset(callerId, Http2Error.NO_ERROR); // the rest of the request is not wanted
            }
            caller.flushFor(null);
            return;
        }
        finish(err);
        if (!callerReset && (open || (s != null && s.state() == Http2Stream.State.HALF_CLOSED_LOCAL))) {
            long code = err == ProxyError.UPSTREAM_RESET ? upstreamResetCode : Http2Error.CANCEL.code();
            caller.encoder().writeRstStream(caller.ctx, callerId, code, caller.newPromise());
            caller.flushFor(null);
        }
    }

    /** Records the exchange; {@code err} null for a response forwarded to its end. */
    private void finish(ProxyError err) {
        if (err == null) {
            exchange.finishResponse();
        } else {
            exchange.finish(err);
        }
        requestHeaders = null;
    }

    private void cancelTimer() {
        responseDeadline = 0;
    }

    private H2PendingRequest pending() {
        if (pending == null) {
            pending = new H2PendingRequest();
        }
        return pending;
    }

    private static String errorName(long code) {
        Http2Error e = Http2Error.valueOf(code);
        return e != null ? e.name() : Long.toString(code);
    }
}
