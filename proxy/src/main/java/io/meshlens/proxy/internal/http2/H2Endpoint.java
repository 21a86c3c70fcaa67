package io.meshlens.proxy.internal.http2;

import java.util.ArrayList;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * One end of the frame-level HTTP/2 path: a whole HTTP/2 connection (caller side or upstream
 * side) handled by one {@link Http2ConnectionHandler}, no child channels. Frames that an exchange
 * writes here while the other side is reading are flushed once, when that read batch completes,
 * so that one read from the caller costs one write to the upstream (and back).
 */
abstract class H2Endpoint extends Http2ConnectionHandler {
    /** Connection-level receive window: large enough that one slow stream cannot stall the others. */
    static final int CONNECTION_WINDOW = 1024 * 1024;

    ChannelHandlerContext ctx;
    private boolean inRead;
    private boolean flushQueued;
    private boolean windowRaised;
    private final ArrayList<H2Endpoint> flushAfterRead = new ArrayList<>(4);

    H2Endpoint(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
        super(decoder, encoder, settings);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        inRead = true;
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelReadComplete(ctx); // flushes this connection
        } finally {
            inRead = false;
            for (int i = 0; i < flushAfterRead.size(); i++) {
                H2Endpoint peer = flushAfterRead.get(i);
                peer.flushQueued = false;
                peer.flushNow();
            }
            flushAfterRead.clear();
        }
    }

    /** Raises the connection window once the peer's SETTINGS arrived (the preface is done by then). */
    final void raiseConnectionWindow() {
        if (windowRaised) {
            return;
        }
        windowRaised = true;
        try {
            Http2Stream c = connection().connectionStream();
            int delta = CONNECTION_WINDOW - decoder().flowController().initialWindowSize(c);
            if (delta > 0) {
                decoder().flowController().incrementWindowSize(c, delta);
            }
        } catch (Http2Exception e) {
            onError(ctx, false, e);
        }
    }

    /**
     * A connection whose outbound DATA is shared out uniformly between streams: the default
     * weighted-fair distributor maintains the RFC 7540 priority tree on every stream open and
     * close, which a proxy forwarding short exchanges pays for per request and does not need.
     */
    static Http2Connection newConnection(boolean server) {
        Http2Connection c = new DefaultHttp2Connection(server);
        c.remote().flowController(new DefaultHttp2RemoteFlowController(c, new UniformStreamByteDistributor(c)));
        return c;
    }

    final boolean isReading() {
        return inRead;
    }

    final void flushNow() {
        if (ctx != null) {
            flush(ctx); // writes what flow control allows, then flushes the channel
        }
    }

    /**
     * Flushes this connection after a write made on behalf of {@code source}: at the end of the
     * source's read batch if it is reading, else at once.
     */
    final void flushFor(H2Endpoint source) {
        if (source != null && source.inRead && source != this) {
            if (!flushQueued) {
                flushQueued = true;
                source.flushAfterRead.add(this);
            }
        } else if (!inRead) {
            flushNow();
        }
        // reading itself: its own read-complete flushes
    }

    final void writeHeaders(int streamId, Http2Headers headers, boolean endStream, ChannelPromise promise) {
        encoder().writeHeaders(ctx, streamId, headers, 0, endStream, promise);
    }

    final void writeData(int streamId, ByteBuf data, boolean endStream, ChannelPromise promise) {
        encoder().writeData(ctx, streamId, data, 0, endStream, promise);
    }

    final void reset(int streamId, Http2Error error) {
        encoder().writeRstStream(ctx, streamId, error.code(), ctx.newPromise());
    }

    /** Returns received bytes to the sender's window: called once they were written to the other side. */
    final void consume(Http2Stream stream, int bytes) {
        if (bytes <= 0 || stream == null || ctx == null) {
            return;
        }
        try {
            if (decoder().flowController().consumeBytes(stream, bytes) && !inRead) {
                ctx.flush(); // a WINDOW_UPDATE was written
            }
        } catch (Http2Exception e) {
            onError(ctx, false, e);
        }
    }

    final ChannelPromise newPromise() {
        return ctx.newPromise();
    }
}
