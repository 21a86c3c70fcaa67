package io.meshlens.proxy.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.ConfigLoader;
import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.internal.http1.Http1ServerHandler;
import io.meshlens.proxy.internal.http2.H2CallerConnection;
import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.meshlens.proxy.tap.Tap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;

class ProtocolDetectorTest {
    private static ProtocolDetector.Kind kind(String s) {
        ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
        try {
            return ProtocolDetector.classify(b);
        } finally {
            b.release();
        }
    }

    @Test
    void classifiesFirstBytes() {
        assertThat(kind("GET / HTTP/1.1\r\n")).isEqualTo(ProtocolDetector.Kind.HTTP1);
        assertThat(kind("POST ")).isEqualTo(ProtocolDetector.Kind.HTTP1);
        assertThat(kind("GE")).isEqualTo(ProtocolDetector.Kind.NEED_MORE);
        assertThat(kind("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")).isEqualTo(ProtocolDetector.Kind.HTTP2);
        assertThat(kind("PRI * HTTP/2")).isEqualTo(ProtocolDetector.Kind.NEED_MORE);
        assertThat(kind("PRI * HTTP/1.1\r\n")).isEqualTo(ProtocolDetector.Kind.BAD_PREFACE);
        assertThat(kind("\u0016\u0003\u0001")).isEqualTo(ProtocolDetector.Kind.OPAQUE);
        assertThat(kind("*1\r\n$4\r\nPING\r\n")).isEqualTo(ProtocolDetector.Kind.OPAQUE);
        assertThat(kind("ABCDEFGHIJKLMNOPQRSTUVWXYZ")).isEqualTo(ProtocolDetector.Kind.OPAQUE);
    }

    private static ProtocolDetector detector(EmbeddedChannel ch) {
        return detector(ch, Map.of());
    }

    private static ProtocolDetector detector(EmbeddedChannel ch, Map<String, String> env) {
        ProxyConfig cfg = ConfigLoader.fromEnvironment(env);
        ProxyMetrics metrics = new ProxyMetrics(cfg, "test");
        Listener listener = new Listener(Direction.INBOUND, new java.net.InetSocketAddress("127.0.0.1", 1),
                false, cfg.originalDestination());
        return new ProtocolDetector(new ProxyContext(cfg, metrics, new Tap(metrics)), listener,
                new ConnectionInfo(ch, "127.0.0.1"));
    }

    @Test
    void installsHttp1PipelineAndPassesPeekedBytesOn() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(detector(ch));
        // an incomplete head with a bad header line: the byte path must have received the peeked
        // bytes to answer 400 once the rest arrives
        ch.writeInbound(Unpooled.copiedBuffer("GET /x HTTP/1.1\r\nHost: a\r\n", StandardCharsets.US_ASCII));
        assertThat(ch.pipeline().get(ProtocolDetector.class)).isNull();
        assertThat(ch.pipeline().get(Http1ServerHandler.class)).isNotNull();
        assertThat(ch.pipeline().get(HttpServerCodec.class)).isNull();
        ch.writeInbound(Unpooled.copiedBuffer("Bad Header: x\r\n\r\n", StandardCharsets.US_ASCII));
        ByteBuf out = ch.readOutbound();
        assertThat(out.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 400 ").contains("protocol_error");
        out.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void installsTheSameHttp1PathWhenH2cUpgradeIsOn() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(detector(ch, Map.of("MESHLENS_H2C_UPGRADE", "true")));
        ch.writeInbound(Unpooled.copiedBuffer("GET /x HTTP/1.1\r\nHost: a\r\n", StandardCharsets.US_ASCII));
        assertThat(ch.pipeline().get(HttpServerCodec.class)).isNull(); // an upgrade is a hand-off, not a codec path
        assertThat(ch.pipeline().get(Http1ServerHandler.class)).isNotNull();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void installsHttp2Pipeline() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(detector(ch));
        ch.writeInbound(Unpooled.copiedBuffer("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", StandardCharsets.US_ASCII));
        assertThat(ch.pipeline().get(H2CallerConnection.class)).isNotNull(); // the frame-level path, no child channels
        ch.finishAndReleaseAll();
    }

    @Test
    void badPrefaceAnswers400AndCloses() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(detector(ch));
        ch.writeInbound(Unpooled.copiedBuffer("PRI * HTTP/9.9\r\n\r\nXX\r\n\r\n", StandardCharsets.US_ASCII));
        ByteBuf out = ch.readOutbound();
        assertThat(out.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 400 ").contains("protocol_error");
        out.release();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }
}
