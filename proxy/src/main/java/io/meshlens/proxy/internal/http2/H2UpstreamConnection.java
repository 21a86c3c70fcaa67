package io.meshlens.proxy.internal.http2;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.collection.IntObjectHashMap;

/**
 * The upstream side of the frame-level HTTP/2 path: one shared, multiplexed client connection to a
 * target. Usable once the target's first SETTINGS arrived (so that its MAX_CONCURRENT_STREAMS is
 * known); streams beyond that limit wait in the encoder ({@code StreamBufferingEncoder}) until one
 * closes. Response frames go to the exchange that owns the stream, found by stream id.
 */
final class H2UpstreamConnection extends H2Endpoint {
    /** Receives a ready upstream connection, or why there is none. */
    interface Waiter {
        void onUpstream(H2UpstreamConnection upstream);

        void onUpstreamFailure(Throwable cause);
    }

    private final IntObjectHashMap<H2Exchange> streams = new IntObjectHashMap<>();
    private List<Waiter> waiters = new ArrayList<>(4);
    private Throwable failure;
    private boolean goAwayReceived;
    private int goAwayLastStreamId = Integer.MAX_VALUE;
    private boolean exhausted;

    private H2UpstreamConnection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
        super(decoder, encoder, settings);
        decoder.frameListener(new Frames());
        connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                H2Exchange ex = streams.remove(stream.id());
                if (ex != null) {
                    ex.onUpstreamStreamClosed();
                }
                closeIfRetiredAndIdle();
            }

            @Override
            public void onGoAwayReceived(int lastStreamId, long errorCode, ByteBuf debugData) {
                goAwayReceived = true;
                goAwayLastStreamId = lastStreamId;
                closeIfRetiredAndIdle();
            }
        });
    }

    static H2UpstreamConnection create(int maxHeaderListSize) {
        return new Builder().initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                .maxHeaderListSize(maxHeaderListSize)).build();
    }

    /** Whether new streams may be opened here. */
    boolean usable() {
        return !goAwayReceived && !exhausted && failure == null; // failure is set once the channel closes
    }

    /** Whether the target refused the stream without processing it (above its GOAWAY's last stream id). */
    boolean refusedByGoAway(int streamId) {
        return goAwayReceived && streamId > goAwayLastStreamId;
    }

    /** Calls back once the connection is ready (or failed); at once if it already is. */
    void whenReady(Waiter w) {
        if (waiters != null) {
            waiters.add(w);
        } else if (failure != null) {
            w.onUpstreamFailure(failure);
        } else {
            w.onUpstream(this);
        }
    }

    boolean isReadyOrFailed() {
        return waiters == null;
    }

    /** The connect attempt failed: every waiter learns why. */
    void failed(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        List<Waiter> w = waiters;
        waiters = null;
        if (w != null) {
            for (Waiter x : w) {
                x.onUpstreamFailure(failure);
            }
        }
    }

    private void ready() {
        List<Waiter> w = waiters;
        waiters = null;
        if (w != null) {
            for (Waiter x : w) {
                x.onUpstream(this);
            }
        }
    }

    /**
     * Opens a stream for {@code ex} with its request HEADERS; returns the stream id, or -1 when
     * this connection can open no more streams (GOAWAY received, ids exhausted, closed).
     */
    int open(H2Exchange ex, Http2Headers headers, boolean endStream, ChannelPromise promise) {
        if (!usable()) {
            return -1;
        }
        int id = connection().local().incrementAndGetNextStreamId();
        if (id < 0) {
            exhausted = true;
            return -1;
        }
        streams.put(id, ex);
        writeHeaders(id, headers, endStream, promise);
        return id;
    }

    /** A connection that takes no new streams is closed once its last stream ended, not left open. */
    private void closeIfRetiredAndIdle() {
        if ((goAwayReceived || exhausted) && ctx != null && connection().numActiveStreams() == 0 && streams.isEmpty()) {
            ctx.channel().eventLoop().execute(() -> ctx.close()); // after the current frame is handled
        }
    }

    void forget(int streamId, H2Exchange ex) {
        if (streams.get(streamId) == ex) {
            streams.remove(streamId);
        }
        closeIfRetiredAndIdle();
    }

    Http2Stream stream(int id) {
        return connection().stream(id);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        failed(new ClosedChannelException());
        super.channelInactive(ctx);
    }

    /** A malformed frame from the target on a stream: its exchange ends as a protocol error. */
    @Override
    protected void onStreamError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
                                 Http2Exception.StreamException http2Ex) {
        H2Exchange ex = outbound ? null : streams.get(http2Ex.streamId());
        if (ex != null) {
            ex.markProtocolError(cause.getMessage());
        }
        super.onStreamError(ctx, outbound, cause, http2Ex);
    }

    /** A malformed frame from the target on the connection: every exchange on it ends as a protocol error. */
    @Override
    protected void onConnectionError(ChannelHandlerContext ctx, boolean outbound, Throwable cause, Http2Exception http2Ex) {
        if (!outbound) {
            for (H2Exchange ex : streams.values()) {
                ex.markProtocolError(cause.getMessage());
            }
        }
        super.onConnectionError(ctx, outbound, cause, http2Ex);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            super.exceptionCaught(ctx, cause);
            return;
        }
        ctx.close();
    }

    private final class Frames extends Http2FrameAdapter {
        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            raiseConnectionWindow();
            ready();
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endStream) {
            onHeadersRead(ctx, streamId, headers, padding, endStream);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endStream) {
            H2Exchange ex = streams.get(streamId);
            if (ex != null) {
                ex.onResponseHeaders(headers, endStream);
            }
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
                throws Http2Exception {
            H2Exchange ex = streams.get(streamId);
            if (ex == null || !ex.onResponseData(data, padding, endOfStream)) {
                return data.readableBytes() + padding;
            }
            return 0;
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            H2Exchange ex = streams.remove(streamId);
            if (ex != null) {
                ex.onUpstreamReset(errorCode);
            }
        }
    }

    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<H2UpstreamConnection, Builder> {
        Builder() {
            connection(H2Endpoint.newConnection(false));
            // streams beyond the target's MAX_CONCURRENT_STREAMS wait here until one closes
            encoderEnforceMaxConcurrentStreams(true);
        }

        @Override
        protected Builder initialSettings(Http2Settings settings) {
            return super.initialSettings(settings);
        }

        @Override
        protected H2UpstreamConnection build() {
            return super.build();
        }

        @Override
        protected H2UpstreamConnection build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                             Http2Settings settings) {
            return new H2UpstreamConnection(decoder, encoder, settings);
        }
    }
}
