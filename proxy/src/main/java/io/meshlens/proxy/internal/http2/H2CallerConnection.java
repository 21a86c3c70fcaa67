package io.meshlens.proxy.internal.http2;

import static io.netty.handler.codec.http2.Http2CodecUtil.HTTP_UPGRADE_STREAM_ID;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import io.meshlens.proxy.internal.conn.Channels;
import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.DrainEvent;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.internal.http.Authority;
import io.meshlens.proxy.internal.http.ConnectionEdge;
import io.meshlens.proxy.internal.http.Exchange;
import io.meshlens.proxy.internal.http.HttpContext;
import io.meshlens.proxy.internal.http.TargetResolver;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The caller side of the frame-level HTTP/2 path: one handler for a whole accepted HTTP/2
 * connection. A request's HEADERS start an {@link H2Exchange}; its DATA, trailers and resets go to
 * that exchange through a per-connection table keyed by the caller's stream id. Bytes received are
 * not consumed here: the exchange returns them to the caller's window once it wrote them upstream.
 */
public final class H2CallerConnection extends H2Endpoint {
    /** Pipeline names of this handler and of the {@link StreamOpenPacer} right before it. */
    public static final String NAME = "h2";
    public static final String PACER = "h2-pacer";

    private final HttpContext http;
    private final H2UpstreamPool pool;
    private final Listener listener;
    private final ConnectionInfo conn;
    private final TargetResolver resolver;
    private final long responseTimeoutNanos;
    private final IntObjectHashMap<H2Exchange> exchanges = new IntObjectHashMap<>();
    /** One sweep per connection checks response timeouts, instead of one scheduled timer per request. */
    private ScheduledFuture<?> sweep;
    private final ArrayList<H2Exchange> overdue = new ArrayList<>();
    /**
     * The last streams the caller reset: a frame on one of those is a stream error (RFC 9113
     * 5.1), on any other closed stream a connection error. A small ring: older resets count as
     * closed streams.
     */
    private final int[] callerResets = new int[32];
    private int callerResetsNext;

    // caches: most connections talk to one authority and route
    private String lastRawAuthority;
    private String lastAuthority = "";
    private final ConnectionEdge lastEdge;

    private H2CallerConnection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
                               Builder b) {
        super(decoder, encoder, settings);
        this.http = b.http;
        this.pool = b.pool;
        this.listener = b.listener;
        this.conn = b.conn;
        this.resolver = new TargetResolver(http, listener, conn.channel());
        this.responseTimeoutNanos = http.config().responseTimeout().toNanos();
        this.lastEdge = new ConnectionEdge(http.metrics(), listener, conn);
        decoder.frameListener(new Frames());
        connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                H2Exchange ex = exchanges.remove(stream.id());
                if (ex != null) {
                    ex.onCallerStreamClosed();
                }
            }

            @Override
            public void onGoAwaySent(int lastStreamId, long errorCode, ByteBuf debugData) {
                if (errorCode != Http2Error.NO_ERROR.code()) {
                    Channels.markCloseError(conn.channel(), ProxyError.PROTOCOL_ERROR);
                    http.recordConnectionError(listener, conn, Protocol.HTTP2, ProxyError.PROTOCOL_ERROR, 0);
                }
            }
        });
    }

    /** Goes right before the connection's handler, from the connection preface on. */
    public static ChannelHandler pacer() {
        return new StreamOpenPacer();
    }

    /**
     * The HTTP/2 path for an accepted connection (prior knowledge, or after an h2c upgrade): one
     * handler for the whole connection, no per-stream child channels, with the idle timeout.
     */
    public static H2CallerConnection create(HttpContext http, H2UpstreamPool pool, Listener listener, ConnectionInfo conn) {
        var cfg = http.config();
        H2CallerConnection c = new Builder(http, pool, listener, conn).initialSettings(Http2Settings.defaultSettings()
                .maxHeaderListSize(cfg.maxHeaderSize())
                .maxConcurrentStreams(cfg.http2MaxConcurrentStreams())).build();
        Channel ch = conn.channel();
        Http2IdleTimeout.install(ch, c.connection(), cfg.idleTimeout());
        // Streams have their own flow control; the connection itself must keep reading.
        ch.config().setAutoRead(true);
        return c;
    }

    /**
     * Continues an HTTP/1.1 connection upgraded to h2c (the handler must be in the pipeline): the
     * upgrade request becomes stream 1, half-closed as it has no body.
     */
    public void upgrade(Http2Settings clientSettings, Http2Headers request) throws Http2Exception {
        onHttpServerUpgrade(clientSettings);
        Http2Stream stream = connection().stream(HTTP_UPGRADE_STREAM_ID);
        H2Exchange ex = new H2Exchange(this, stream);
        exchanges.put(HTTP_UPGRADE_STREAM_ID, ex);
        ex.start(request, true);
    }

    Exchange newExchange() {
        return new Exchange(http, listener, conn, lastEdge);
    }

    TargetResolver resolver() {
        return resolver;
    }

    long responseTimeoutNanos() {
        return responseTimeoutNanos;
    }

    void acquireUpstream(InetSocketAddress target, H2UpstreamConnection.Waiter w) {
        pool.acquire(ctx.channel().eventLoop(), listener.direction(), target, w);
    }

    /** The caller's stream, or null once it closed. */
    Http2Stream stream(int id) {
        return connection().stream(id);
    }

    void forget(int streamId, H2Exchange ex) {
        if (exchanges.get(streamId) == ex) {
            exchanges.remove(streamId);
        }
    }

    String normalizeAuthority(String raw) {
        if (raw == null || !raw.equals(lastRawAuthority)) {
            lastRawAuthority = raw;
            lastAuthority = Authority.normalize(raw, 80);
        }
        return lastAuthority;
    }

    /** Starts the periodic response-timeout sweep unless it runs already. */
    void watchResponseDeadlines() {
        if (sweep == null && ctx != null) {
            long timeout = responseTimeoutNanos;
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.SECONDS.toNanos(1), timeout / 8));
            sweep = ctx.executor().scheduleWithFixedDelay(this::sweepDeadlines, period, period, TimeUnit.NANOSECONDS);
        }
    }

    private void sweepDeadlines() {
        if (exchanges.isEmpty() || !ctx.channel().isActive()) {
            stopSweep();
            return;
        }
        long now = System.nanoTime();
        for (H2Exchange ex : exchanges.values()) {
            if (ex.responseOverdue(now)) {
                overdue.add(ex);
            }
        }
        for (int i = 0; i < overdue.size(); i++) {
            overdue.get(i).onResponseTimeout(); // may close streams and so change the table
        }
        overdue.clear();
    }

    private void stopSweep() {
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stopSweep();
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == DrainEvent.INSTANCE) {
            // GOAWAY(NO_ERROR): streams already opened finish, new ones go elsewhere
            goAway(ctx, connection().remote().lastStreamCreated(), Http2Error.NO_ERROR.code(),
                    Unpooled.EMPTY_BUFFER, ctx.newPromise());
            ctx.flush();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * A malformed frame on a stream: the caller's view of RFC 9113 5.1 (frames on closed and
     * half-closed streams) first, then the endpoint ends its exchange as a protocol error. A request
     * refused before it became an exchange (a malformed header block) is counted here.
     */
    @Override
    protected void onStreamError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
                                 Http2Exception.StreamException http2Ex) {
        int id = http2Ex.streamId();
        if (!outbound && http2Ex.error() == Http2Error.STREAM_CLOSED && connection().stream(id) == null
                && !resetByCaller(id)) {
            // a frame after both ends sent END_STREAM: a connection error (RFC 9113 5.1, closed)
            onConnectionError(ctx, false, cause, Http2Exception.connectionError(Http2Error.STREAM_CLOSED,
                    "frame on closed stream %d", id));
            return;
        }
        Http2Stream stream = connection().stream(id);
        if (!outbound && stream != null && stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE
                && http2Ex.error() == Http2Error.PROTOCOL_ERROR) {
            // the caller already ended this stream: HEADERS or DATA sent on it after that are
            // STREAM_CLOSED (5.1), not the PROTOCOL_ERROR Netty's checks of their content report
            http2Ex = (Http2Exception.StreamException) Http2Exception.streamError(id, Http2Error.STREAM_CLOSED, cause,
                    "frame on half-closed stream %d", id);
        }
        if (!outbound && exchange(id) == null && http2Ex.error() == Http2Error.PROTOCOL_ERROR) {
            // a header list over the limit is answered 431 by Netty's handler before the reset
            int status = http2Ex instanceof Http2Exception.HeaderListSizeException ? 431 : 0;
            http.recordConnectionError(listener, conn, Protocol.HTTP2, ProxyError.PROTOCOL_ERROR, status);
        }
        super.onStreamError(ctx, outbound, cause, http2Ex);
    }

    private boolean resetByCaller(int id) {
        for (int r : callerResets) {
            if (r == id) {
                return true;
            }
        }
        return false;
    }

    private void refuseMalformed(ChannelHandlerContext ctx, int streamId, Protocol protocol) {
        http.recordConnectionError(listener, conn, protocol, ProxyError.PROTOCOL_ERROR, 0);
        resetStream(ctx, streamId, Http2Error.PROTOCOL_ERROR.code(), ctx.newPromise());
        ctx.flush();
    }

    @Override
    void onNonHttp2Exception(ChannelHandlerContext ctx, Throwable cause) {
        Channels.markCloseError(ctx.channel(), ProxyError.DOWNSTREAM_RESET);
        ctx.close();
    }

    private final class Frames extends EndpointFrames {
        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endStream) {
            H2Exchange ex = exchanges.get(streamId);
            if (ex != null) {
                ex.onRequestTrailers(headers, endStream);
                return;
            }
            Http2Stream stream = connection().stream(streamId);
            if (stream == null) {
                return;
            }
            if (H2Messages.malformedRequest(headers) != null) {
                // refused here, never forwarded: the caller sent it, the caller is counted for it
                refuseMalformed(ctx, streamId, H2Messages.isGrpc(headers) ? Protocol.GRPC : Protocol.HTTP2);
                return;
            }
            ex = new H2Exchange(H2CallerConnection.this, stream);
            exchanges.put(streamId, ex);
            ex.start(headers, endStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
                throws Http2Exception {
            H2Exchange ex = exchanges.get(streamId);
            int n = data.readableBytes() + padding;
            if (ex == null || !ex.onRequestData(data, padding, endOfStream)) {
                return n; // nobody wants it: give the window back at once
            }
            return 0;
        }

        /** The caller ends the connection: streams it opened may finish, then it closes (GOAWAY back first). */
        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            ctx.channel().close(); // through this handler: a graceful close that waits for active streams
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            callerResets[callerResetsNext] = streamId;
            callerResetsNext = (callerResetsNext + 1) % callerResets.length;
            H2Exchange ex = exchanges.remove(streamId);
            if (ex != null) {
                ex.onCallerReset(errorCode);
            }
        }
    }

    @Override
    H2Exchange exchange(int streamId) {
        return exchanges.get(streamId);
    }

    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<H2CallerConnection, Builder> {
        private final HttpContext http;
        private final H2UpstreamPool pool;
        private final Listener listener;
        private final ConnectionInfo conn;

        Builder(HttpContext http, H2UpstreamPool pool, Listener listener, ConnectionInfo conn) {
            this.http = http;
            this.pool = pool;
            this.listener = listener;
            this.conn = conn;
            connection(H2Endpoint.newConnection(true));
            encoderEnforceMaxRstFramesPerWindow(0, 0); // CallerResetBudget instead
        }

        @Override
        protected Builder initialSettings(Http2Settings settings) {
            return super.initialSettings(settings);
        }

        @Override
        protected H2CallerConnection build() {
            return super.build();
        }

        @Override
        protected H2CallerConnection build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                           Http2Settings settings) {
            return new H2CallerConnection(decoder, new CallerResetBudget(encoder), settings, this);
        }
    }
}
