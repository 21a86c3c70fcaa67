package io.meshlens.proxy.internal.http2;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameTypes;

/**
 * Paces how fast one HTTP/2 caller connection may start streams: each turn of its event loop
 * passes HEADERS frames to the codec {@link #HEADERS_PER_PASS} at a time for at most
 * {@link #TURN_NANOS}; the bytes after that wait, unread by the codec and with the socket no
 * longer read, for the loop's next turn. Netty's HTTP/2 decoder handles every frame of a read at
 * once, and a read holds up to a megabyte: a caller that packs thousands of HEADERS (and
 * RST_STREAM) frames into it, as a rapid reset does, held the loop for all of them while every
 * other connection on that loop waited (100 ms and more before the JIT had compiled that path).
 * Paced, a turn costs about a millisecond, or one pass while the path is still cold, and the loop
 * serves its other connections in between. Frames other than HEADERS pass unpaced: DATA is
 * bounded by flow control.
 *
 * <p>Sits right before the {@link H2CallerConnection}, from the connection preface on. Only
 * walks the 9-byte frame headers; a caller whose bytes are not HTTP/2 is rejected by the codec
 * behind, whatever this handler made of them.
 */
final class StreamOpenPacer extends ChannelInboundHandlerAdapter {
    /** Small, so that one pass costs little even while the path runs interpreted. */
    static final int HEADERS_PER_PASS = 4;
    /** A turn passes on until this much time went by: a browser's or gRPC client's burst fits in one. */
    static final long TURN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final long turnNanos;
    private ByteBuf held = Unpooled.EMPTY_BUFFER;
    /** Bytes of the current frame (at first, of the client preface) not yet passed on. */
    private long frameLeft = Http2CodecUtil.connectionPrefaceBuf().readableBytes();
    /** The last pass stopped before a HEADERS frame, its budget spent. */
    private boolean headersWaiting;
    private boolean paused;

    StreamOpenPacer() {
        this(TURN_NANOS);
    }

    /** {@code turnNanos} 0: one pass per turn. */
    StreamOpenPacer(long turnNanos) {
        this.turnNanos = turnNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        held = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), held, in);
        if (!paused) {
            passOneTurn(ctx);
        }
    }

    /** Passes whole frames on until the turn is spent; pauses reading if HEADERS are left over. */
    private void passOneTurn(ChannelHandlerContext ctx) {
        long start = System.nanoTime();
        do {
            passOnce(ctx);
            if (!headersWaiting) {
                return;
            }
        } while (System.nanoTime() - start < turnNanos && ctx.channel().isActive());
        paused = true;
        ctx.channel().config().setAutoRead(false);
        // a scheduled task, not execute(): the loop runs tasks queued by tasks in the same batch, so
        // the next turn would follow at once; one due now runs after the loop's next I/O instead
        ctx.executor().schedule(() -> nextTurn(ctx), 0, TimeUnit.NANOSECONDS);
    }

    /** Passes whole frames on up to the {@link #HEADERS_PER_PASS} + 1st HEADERS frame, or all there is. */
    private void passOnce(ChannelHandlerContext ctx) {
        int start = held.readerIndex();
        int end = held.writerIndex();
        int pos = start;
        int headers = 0;
        headersWaiting = false;
        while (pos < end) {
            if (frameLeft > 0) {
                int n = (int) Math.min(frameLeft, end - pos);
                pos += n;
                frameLeft -= n;
                continue;
            }
            if (end - pos < Http2CodecUtil.FRAME_HEADER_LENGTH) {
                break; // the rest of the header comes with the next read
            }
            if (held.getByte(pos + 3) == Http2FrameTypes.HEADERS && ++headers > HEADERS_PER_PASS) {
                headersWaiting = true;
                break;
            }
            frameLeft = Http2CodecUtil.FRAME_HEADER_LENGTH + (long) held.getUnsignedMedium(pos);
        }
        if (pos > start) {
            ctx.fireChannelRead(pos == end ? takeAll() : held.readRetainedSlice(pos - start));
        }
    }

    private ByteBuf takeAll() {
        ByteBuf all = held;
        held = Unpooled.EMPTY_BUFFER;
        return all;
    }

    private void nextTurn(ChannelHandlerContext ctx) {
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            return;
        }
        paused = false;
        passOneTurn(ctx);
        if (!paused) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelReadComplete(); // lets the codec flush what these frames wrote
    }

    /** What a caller sent but the loop had not yet reached goes with the connection: nobody could be answered. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        held.release();
        held = Unpooled.EMPTY_BUFFER;
    }
}
