package io.meshlens.proxy.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import io.meshlens.proxy.metrics.EdgeMetrics;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
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
final class H2CallerConnection extends H2Endpoint {
    final ListenerContext lc;
    final ConnectionInfo conn;
    private final IntObjectHashMap<H2Exchange> exchanges = new IntObjectHashMap<>();
    /** One sweep per connection checks response timeouts, instead of one scheduled timer per request. */
    private ScheduledFuture<?> sweep;
    private final ArrayList<H2Exchange> overdue = new ArrayList<>();

    // caches: most connections talk to one authority and route
    private Target lastTarget;
    private String lastRawAuthority;
    private String lastAuthority = "";
    private final ConnectionEdge lastEdge;

    private H2CallerConnection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
                               ListenerContext lc, ConnectionInfo conn) {
        super(decoder, encoder, settings);
        this.lc = lc;
        this.conn = conn;
        this.lastEdge = new ConnectionEdge(lc, conn);
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
                    ProxyContext.markCloseError(conn.channel, ProxyError.PROTOCOL_ERROR);
                    new Pipelines(lc, conn).recordConnectionError(Protocol.HTTP2, ProxyError.PROTOCOL_ERROR, 0);
                }
            }
        });
    }

    static H2CallerConnection create(ListenerContext lc, ConnectionInfo conn) {
        var cfg = lc.proxy.config;
        return new Builder(lc, conn).initialSettings(Http2Settings.defaultSettings()
                .maxHeaderListSize(cfg.maxHeaderSize())
                .maxConcurrentStreams(cfg.http2MaxConcurrentStreams())).build();
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

    /** The target for a known address, cached: an inbound connection forwards every request to one app port. */
    Target target(InetSocketAddress address) {
        Target t = lastTarget;
        if (t == null || !t.address().equals(address)) {
            t = lc.proxy.resolver.target(address);
            lastTarget = t;
        }
        return t;
    }

    String normalizeAuthority(String raw) {
        if (raw == null || !raw.equals(lastRawAuthority)) {
            lastRawAuthority = raw;
            lastAuthority = Authority.normalize(raw, 80);
        }
        return lastAuthority;
    }

    EdgeMetrics edge(Protocol protocol, String authority, String route, String targetPeer) {
        return lastEdge.get(protocol, authority, route, targetPeer);
    }

    /** Starts the periodic response-timeout sweep unless it runs already. */
    void watchResponseDeadlines() {
        if (sweep == null && ctx != null) {
            long timeout = lc.proxy.config.responseTimeout().toNanos();
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
        if (evt == ProxyContext.DrainEvent.INSTANCE) {
            // GOAWAY(NO_ERROR): streams already opened finish, new ones go elsewhere
            goAway(ctx, connection().remote().lastStreamCreated(), Http2Error.NO_ERROR.code(),
                    Unpooled.EMPTY_BUFFER, ctx.newPromise());
            ctx.flush();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /** A malformed frame on a stream: its exchange ends as a protocol error, then Netty resets the stream. */
    @Override
    protected void onStreamError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
                                 Http2Exception.StreamException http2Ex) {
        H2Exchange ex = outbound ? null : exchanges.get(http2Ex.streamId());
        if (ex != null) {
            ex.markProtocolError(cause.getMessage());
        }
        super.onStreamError(ctx, outbound, cause, http2Ex);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            super.exceptionCaught(ctx, cause); // GOAWAY or RST_STREAM with the right code
            return;
        }
        ProxyContext.markCloseError(ctx.channel(), ProxyError.DOWNSTREAM_RESET);
        ctx.close();
    }

    private final class Frames extends Http2FrameAdapter {
        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            raiseConnectionWindow();
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endStream) {
            onHeadersRead(ctx, streamId, headers, padding, endStream);
        }

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

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            H2Exchange ex = exchanges.remove(streamId);
            if (ex != null) {
                ex.onCallerReset(errorCode);
            }
        }
    }

    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<H2CallerConnection, Builder> {
        private final ListenerContext lc;
        private final ConnectionInfo conn;

        Builder(ListenerContext lc, ConnectionInfo conn) {
            this.lc = lc;
            this.conn = conn;
            connection(H2Endpoint.newConnection(true));
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
            return new H2CallerConnection(decoder, encoder, settings, lc, conn);
        }
    }
}
