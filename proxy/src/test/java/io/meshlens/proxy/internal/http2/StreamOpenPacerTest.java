package io.meshlens.proxy.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameTypes;

/** The pacer alone on an embedded channel: what passes per loop turn, and that every byte passes in order. */
class StreamOpenPacerTest {
    private final List<ByteBuf> passed = new ArrayList<>();
    /** At each read-complete (the end of a turn): how many buffers had passed, and whether the socket is read. */
    private final List<int[]> turnEnds = new ArrayList<>();
    /** One pass per turn: what a turn passes does not depend on how fast this machine is. */
    private final EmbeddedChannel ch = new EmbeddedChannel(new StreamOpenPacer(0), new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            passed.add((ByteBuf) msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            turnEnds.add(new int[] {passed.size(), ctx.channel().config().isAutoRead() ? 1 : 0});
        }
    });

    @AfterEach
    void release() {
        passed.forEach(ByteBuf::release);
        ch.finishAndReleaseAll();
    }

    /** One socket read, as the event loop delivers it; unlike writeInbound, runs no task (no next turn). */
    private void read(ByteBuf b) {
        ch.pipeline().fireChannelRead(b);
        ch.pipeline().fireChannelReadComplete();
    }

    private static ByteBuf frame(ByteBuf out, byte type, int stream, int payloadLength) {
        out.writeMedium(payloadLength).writeByte(type).writeByte(0).writeInt(stream);
        for (int i = 0; i < payloadLength; i++) {
            out.writeByte(stream + i);
        }
        return out;
    }

    /** The preface, then {@code n} times HEADERS and RST_STREAM on streams 1, 3, 5... */
    private static ByteBuf rapidReset(int n) {
        ByteBuf b = Unpooled.buffer().writeBytes(Http2CodecUtil.connectionPrefaceBuf());
        frame(b, Http2FrameTypes.SETTINGS, 0, 0);
        for (int i = 0; i < n; i++) {
            frame(b, Http2FrameTypes.HEADERS, 1 + 2 * i, 7);
            frame(b, Http2FrameTypes.RST_STREAM, 1 + 2 * i, 4);
        }
        return b;
    }

    private byte[] passedBytes() {
        return passedBytes(passed.size());
    }

    private byte[] passedBytes(int buffers) {
        ByteBuf all = Unpooled.buffer();
        passed.subList(0, buffers).forEach(p -> all.writeBytes(p, p.readerIndex(), p.readableBytes()));
        return ByteBufUtil.getBytes(all);
    }

    /** Each turn so far: the HEADERS passed by its end, and whether the socket was read after it. */
    private List<String> turns() {
        return turnEnds.stream().map(t -> headersPassed(t[0]) + (t[1] == 1 ? " reading" : " paused")).toList();
    }

    private int headersPassed() {
        return headersPassed(passed.size());
    }

    private int headersPassed(int buffers) {
        byte[] b = passedBytes(buffers);
        int headers = 0;
        for (int pos = Http2CodecUtil.connectionPrefaceBuf().readableBytes(); pos + 9 <= b.length; ) {
            int len = ((b[pos] & 0xff) << 16) | ((b[pos + 1] & 0xff) << 8) | (b[pos + 2] & 0xff);
            headers += b[pos + 3] == Http2FrameTypes.HEADERS ? 1 : 0;
            pos += 9 + len;
        }
        return headers;
    }

    @Test
    void aReadOfManyHeadersPassesAFewPerTurnAndEveryByteInOrder() {
        ByteBuf in = rapidReset(10);
        byte[] sent = ByteBufUtil.getBytes(in);
        read(in);

        // the first turn: the preface, SETTINGS, 4 HEADERS and their RST_STREAM; the socket is not read meanwhile
        assertThat(turns()).containsExactly("4 paused");
        ch.runScheduledPendingTasks(); // the loop's next turn: 4 more, no more
        assertThat(turns()).containsExactly("4 paused", "8 paused");
        ch.runScheduledPendingTasks();
        assertThat(turns()).containsExactly("4 paused", "8 paused", "10 reading");
        assertThat(ch.hasPendingTasks()).isFalse();
        assertThat(passedBytes()).isEqualTo(sent);
    }

    @Test
    void aBurstWithinOnePassIsNotPaused() {
        EmbeddedChannel timed = new EmbeddedChannel(new StreamOpenPacer());
        ByteBuf in = rapidReset(StreamOpenPacer.HEADERS_PER_PASS);
        byte[] sent = ByteBufUtil.getBytes(in);
        timed.writeInbound(in);
        assertThat(timed.config().isAutoRead()).isTrue();
        ByteBuf got = timed.readInbound();
        assertThat(ByteBufUtil.getBytes(got)).isEqualTo(sent);
        got.release();
        assertThat(timed.finish()).isFalse();
    }

    @Test
    void bytesReadWhilePausedWaitTheirTurnBehindTheHeldOnes() {
        read(rapidReset(6));
        ByteBuf more = frame(Unpooled.buffer(), Http2FrameTypes.HEADERS, 41, 7);
        byte[] tail = ByteBufUtil.getBytes(more);
        read(more); // read before the pause took effect
        assertThat(headersPassed()).isEqualTo(StreamOpenPacer.HEADERS_PER_PASS);
        ch.runScheduledPendingTasks();
        assertThat(headersPassed()).isEqualTo(7);
        byte[] all = passedBytes();
        assertThat(Arrays.copyOfRange(all, all.length - tail.length, all.length)).isEqualTo(tail);
    }

    @Test
    void framesSplitAcrossReadsAndLargeDataPassUnpaced() {
        ByteBuf b = Unpooled.buffer().writeBytes(Http2CodecUtil.connectionPrefaceBuf());
        frame(b, Http2FrameTypes.HEADERS, 1, 7);
        for (int i = 0; i < 100; i++) {
            frame(b, Http2FrameTypes.DATA, 1, 3000);
        }
        byte[] sent = ByteBufUtil.getBytes(b);
        // three bytes at a time: frame headers and payloads cut anywhere
        for (int i = 0; i < sent.length; i += 3) {
            read(Unpooled.wrappedBuffer(sent, i, Math.min(3, sent.length - i)));
            assertThat(ch.config().isAutoRead()).isTrue();
        }
        assertThat(passedBytes()).isEqualTo(sent);
        assertThat(ch.hasPendingTasks()).isFalse();
    }

    @Test
    void whatIsHeldWhenTheConnectionGoesIsReleased() {
        ByteBuf in = rapidReset(40);
        read(in.retain());
        assertThat(in.refCnt()).isGreaterThan(1);
        ch.close();
        ch.runScheduledPendingTasks();
        assertThat(in.refCnt()).as("only this test's reference and the passed slices' remain")
                .isEqualTo(1 + passed.size());
        in.release();
    }
}
