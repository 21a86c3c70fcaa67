package io.meshlens.proxy.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.PortMapping;
import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.DrainEvent;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.internal.conn.Upstreams;
import io.meshlens.proxy.internal.http.HttpContext;
import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.meshlens.proxy.tap.Tap;
import io.meshlens.proxy.testing.Proxies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The caller side of the HTTP/2 frame path on an {@link EmbeddedChannel}, spoken to in raw
 * frames: what it answers on a stream it cannot forward, and how it drains. Forwarding to a real
 * upstream is covered by {@code Http2FrameForwardingTest}.
 */
class H2CallerConnectionTest {
    private final ProxyConfig config = ProxyConfig.builder()
            .inbound(new PortMapping(Proxies.any(), new InetSocketAddress("127.0.0.1", 9)))
            .admin(Proxies.any())
            .build();
    private final ProxyMetrics metrics = new ProxyMetrics(config, "test");
    private final HttpContext http = new HttpContext(config, metrics, new Tap(metrics));

    private EmbeddedChannel outboundConnection() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Listener outbound = new Listener(Direction.OUTBOUND, null, false, config.originalDestination());
        H2UpstreamPool pool = new H2UpstreamPool(new Upstreams(metrics, config.connectTimeout(), null), 8192);
        ch.pipeline().addLast(H2CallerConnection.create(http, pool, outbound, new ConnectionInfo(ch, "")));
        ch.writeInbound(Http2CodecUtil.connectionPrefaceBuf());
        ch.writeInbound(frame(0x4, 0, 0, Unpooled.EMPTY_BUFFER)); // SETTINGS
        return ch;
    }

    private static ByteBuf frame(int type, int flags, int stream, ByteBuf payload) {
        ByteBuf b = Unpooled.buffer(9 + payload.readableBytes());
        b.writeMedium(payload.readableBytes()).writeByte(type).writeByte(flags).writeInt(stream).writeBytes(payload);
        payload.release();
        return b;
    }

    private static ByteBuf headers(int stream, Http2Headers h) throws Exception {
        ByteBuf block = Unpooled.buffer();
        new DefaultHttp2HeadersEncoder().encodeHeaders(stream, h, block);
        return frame(0x1, 0x1 | 0x4, stream, block); // END_STREAM | END_HEADERS
    }

    /** Everything the proxy wrote, as frames. */
    private static Frames readFrames(EmbeddedChannel ch) throws Exception {
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        Frames f = new Frames();
        try (DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader()) {
            ChannelHandlerContext ctx = ch.pipeline().firstContext();
            while (all.isReadable()) {
                reader.readFrame(ctx, all, f);
            }
        } finally {
            all.release();
        }
        return f;
    }

    /** Closes the connection and reads what the proxy wrote on its way out (a GOAWAY). */
    private static Frames closed(EmbeddedChannel ch) throws Exception {
        ch.close();
        return readFrames(ch);
    }

    private static final class Frames extends Http2FrameAdapter {
        final List<Http2Headers> headers = new ArrayList<>();
        final StringBuilder data = new StringBuilder();
        boolean ended;
        long goAwayError = -1;

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers h, int padding, boolean end) {
            headers.add(h);
            ended |= end;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers h, int dep, short weight,
                                  boolean exclusive, int padding, boolean end) {
            onHeadersRead(ctx, streamId, h, padding, end);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf d, int padding, boolean end) {
            data.append(d.toString(StandardCharsets.UTF_8));
            ended |= end;
            return d.readableBytes() + padding;
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            goAwayError = errorCode;
        }
    }

    @Test
    void streamWithoutAuthorityIsAnsweredNoRouteAndRecordedOnce() throws Exception {
        EmbeddedChannel ch = outboundConnection();
        ch.writeInbound(headers(1, new DefaultHttp2Headers().method("GET").scheme("http").path("/x")));
        Frames f = readFrames(ch);
        assertThat(f.headers).hasSize(1);
        assertThat(f.headers.get(0).status().toString()).isEqualTo("502");
        assertThat(f.headers.get(0).get("meshlens-proxy-error").toString()).isEqualTo("no_route");
        assertThat(f.data.toString()).isEqualTo("meshlens proxy: no_route: request has no authority (Host)\n");
        assertThat(f.ended).isTrue();
        assertThat(ch.isOpen()).isTrue(); // one stream failed, the connection goes on
        assertThat(Proxies.scrape(metrics).sum("meshlens_responses_total", Map.of("direction", "outbound",
                "protocol", "http2", "status_code", "502", "error", "no_route"))).isEqualTo(1);
        assertThat(http.inFlight()).isZero();
        assertThat(closed(ch).goAwayError).isEqualTo(Http2Error.NO_ERROR.code());
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void drainingSendsGoAwayNoError() throws Exception {
        EmbeddedChannel ch = outboundConnection();
        readFrames(ch);
        ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
        assertThat(readFrames(ch).goAwayError).isEqualTo(Http2Error.NO_ERROR.code());
        closed(ch);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
