package io.meshlens.proxy.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * An HTTP/2 client that writes exactly the frames a test asks for (malformed ones included: no
 * header validation, no stream state) over a plain socket, and queues every frame it reads.
 * Netty's frame writer and reader do the encoding; a throwaway channel carries their bytes.
 */
final class RawH2Client implements AutoCloseable {
    /** One frame read from the peer. */
    record Frame(String type, int streamId, long errorCode, Http2Headers headers, boolean endStream, int length) {
        @Override
        public String toString() {
            return type + "(stream " + streamId + (errorCode >= 0 ? ", error " + errorCode : "")
                    + (headers != null ? ", " + headers : "") + (endStream ? ", end" : "") + ")";
        }
    }

    /** The frame a closed connection ends with, so waiters see it. */
    static final Frame CLOSED = new Frame("CLOSED", 0, -1, null, false, 0);

    private final Socket socket;
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = channel.pipeline().firstContext();
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final Thread readerThread;

    /** Connects, sends the preface and an empty SETTINGS, and acknowledges the peer's SETTINGS. */
    RawH2Client(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.getOutputStream().write(ByteBufUtil.getBytes(Http2CodecUtil.connectionPrefaceBuf()));
        writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise());
        flush();
        readerThread = new Thread(this::readLoop, "raw-h2-reader");
        readerThread.setDaemon(true);
        readerThread.start();
    }

    synchronized void headers(int streamId, Http2Headers headers, boolean endStream) throws IOException {
        writer.writeHeaders(ctx, streamId, headers, 0, endStream, ctx.newPromise());
        flush();
    }

    synchronized void data(int streamId, byte[] bytes, boolean endStream) throws IOException {
        writer.writeData(ctx, streamId, Unpooled.wrappedBuffer(bytes), 0, endStream, ctx.newPromise());
        flush();
    }

    synchronized void rstStream(int streamId, long errorCode) throws IOException {
        writer.writeRstStream(ctx, streamId, errorCode, ctx.newPromise());
        flush();
    }

    synchronized void goAway(int lastStreamId, long errorCode) throws IOException {
        writer.writeGoAway(ctx, lastStreamId, errorCode, Unpooled.EMPTY_BUFFER, ctx.newPromise());
        flush();
    }

    synchronized void ping(long payload) throws IOException {
        writer.writePing(ctx, false, payload, ctx.newPromise());
        flush();
    }

    /** The next frame that is not SETTINGS, a SETTINGS ack, WINDOW_UPDATE or PING; null on timeout. */
    Frame next(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            Frame f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (f == null || !f.type().equals("SETTINGS") && !f.type().equals("WINDOW_UPDATE")) {
                return f;
            }
        }
    }

    /**
     * Sends a PING and returns every frame read before its ack: the peer handles frames in order,
     * so whatever it answered to what was sent before the PING is in the list.
     */
    java.util.List<Frame> framesUntilPingAck() throws IOException, InterruptedException {
        long payload = System.nanoTime();
        ping(payload);
        java.util.List<Frame> seen = new java.util.ArrayList<>();
        while (true) {
            Frame f = frames.poll(10, TimeUnit.SECONDS);
            if (f == null) {
                throw new IllegalStateException("no PING ack within 10 s; frames so far: " + seen);
            }
            if (f.type().equals("PING_ACK") && f.length() == (int) (payload & 0x7fffffff) || f == CLOSED) {
                if (f == CLOSED) {
                    seen.add(f);
                }
                return seen;
            }
            if (!f.type().equals("SETTINGS") && !f.type().equals("WINDOW_UPDATE")) {
                seen.add(f);
            }
        }
    }

    private void flush() throws IOException {
        channel.flush();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            try {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                socket.getOutputStream().write(bytes);
            } finally {
                b.release();
            }
        }
        socket.getOutputStream().flush();
    }

    private void readLoop() {
        DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(false);
        ByteBuf buffer = Unpooled.buffer();
        Listener listener = new Listener();
        byte[] chunk = new byte[16384];
        try (InputStream in = socket.getInputStream()) {
            for (int n; (n = in.read(chunk)) > 0; ) {
                buffer.writeBytes(chunk, 0, n);
                reader.readFrame(ctx, buffer, listener);
                buffer.discardReadBytes();
            }
        } catch (IOException | Http2Exception e) {
            // the peer closed or reset the connection: CLOSED says so
        } finally {
            buffer.release();
            reader.close();
            frames.add(CLOSED);
        }
    }

    private final class Listener extends Http2FrameAdapter {
        @Override
        public int onDataRead(ChannelHandlerContext c, int id, ByteBuf data, int padding, boolean end) {
            frames.add(new Frame("DATA", id, -1, null, end, data.readableBytes()));
            return data.readableBytes() + padding;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int id, Http2Headers h, int padding, boolean end) {
            frames.add(new Frame("HEADERS", id, -1, h, end, 0));
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int id, Http2Headers h, int dep, short weight,
                                  boolean exclusive, int padding, boolean end) {
            onHeadersRead(c, id, h, padding, end);
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext c, int id, long errorCode) {
            frames.add(new Frame("RST_STREAM", id, errorCode, null, false, 0));
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debug) {
            frames.add(new Frame("GOAWAY", lastStreamId, errorCode, null, false, 0));
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
            frames.add(new Frame("SETTINGS", 0, -1, null, false, 0));
            synchronized (RawH2Client.this) {
                writer.writeSettingsAck(ctx, ctx.newPromise());
                try {
                    flush();
                } catch (IOException e) {
                    // the reader sees the close
                }
            }
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext c, long data) {
            frames.add(new Frame("PING_ACK", 0, -1, null, false, (int) (data & 0x7fffffff)));
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext c, int id, int increment) {
            frames.add(new Frame("WINDOW_UPDATE", id, -1, null, false, increment));
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        channel.finishAndReleaseAll();
    }
}
