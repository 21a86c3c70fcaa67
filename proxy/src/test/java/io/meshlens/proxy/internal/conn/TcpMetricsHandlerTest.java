package io.meshlens.proxy.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.PortMapping;
import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

/** Connection counts and bytes observed at the head of a pipeline, without changing what flows. */
class TcpMetricsHandlerTest {
    private final ProxyMetrics metrics = new ProxyMetrics(ProxyConfig.builder()
            .inbound(new PortMapping(Proxies.any(), new InetSocketAddress("127.0.0.1", 9)))
            .admin(Proxies.any()).build(), "test");

    private static ByteBuf bytes(int n) {
        return Unpooled.wrappedBuffer(new byte[n]);
    }

    @Test
    void countsOpenCloseAndBytesBothWays() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new TcpMetricsHandler(metrics, Direction.INBOUND, ProxyError.DOWNSTREAM_RESET));
        ch.writeInbound(bytes(100));
        ch.writeOutbound(bytes(30));
        ByteBuf in = ch.readInbound();
        ByteBuf out = ch.readOutbound();
        assertThat(in.readableBytes()).isEqualTo(100); // passed on untouched
        assertThat(out.readableBytes()).isEqualTo(30);
        in.release();
        out.release();
        PromText open = Proxies.scrape(metrics);
        assertThat(open.sum("meshlens_tcp_connections_opened_total", Map.of("direction", "inbound"))).isEqualTo(1);
        assertThat(open.sum("meshlens_tcp_open_connections", Map.of("direction", "inbound"))).isEqualTo(1);
        assertThat(ch.finishAndReleaseAll()).isFalse();
        PromText m = Proxies.scrape(metrics);
        assertThat(m.sum("meshlens_tcp_read_bytes_total", Map.of("direction", "inbound"))).isEqualTo(100);
        assertThat(m.sum("meshlens_tcp_write_bytes_total", Map.of("direction", "inbound"))).isEqualTo(30);
        assertThat(m.sum("meshlens_tcp_connections_closed_total", Map.of("direction", "inbound", "error", ""))).isEqualTo(1);
        assertThat(m.sum("meshlens_tcp_open_connections", Map.of("direction", "inbound"))).isZero();
    }

    @Test
    void aResetIsTheCloseReasonAndTheFirstReasonWins() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new TcpMetricsHandler(metrics, Direction.OUTBOUND, ProxyError.UPSTREAM_RESET),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close(); // what the proxy's handlers do
                    }
                });
        ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        Channels.markCloseError(ch, ProxyError.PROTOCOL_ERROR); // later: ignored
        assertThat(ch.finishAndReleaseAll()).isFalse();
        assertThat(Proxies.scrape(metrics).sum("meshlens_tcp_connections_closed_total",
                Map.of("direction", "outbound", "error", "upstream_reset"))).isEqualTo(1);
    }
}
