package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.meshlens.proxy.testing.RawServer;

/** Non-HTTP traffic is forwarded byte for byte with connection and byte metrics only. */
class OpaqueTcpTest {
    @Test
    void binaryClientFirstProtocolIsRelayed() throws Exception {
        try (RawServer echo = new RawServer(s -> s.getInputStream().transferTo(s.getOutputStream()));
             RunningProxy p = ProxyServer.start(Proxies.config(echo.address()).build())) {
            byte[] data = new byte[3 * 1024 * 1024];
            new Random(3).nextBytes(data);
            data[0] = 0x16; // e.g. a TLS record: not HTTP
            try (Socket s = new Socket("127.0.0.1", p.inboundPorts().get(0))) {
                s.setSoTimeout(20000);
                Thread writer = new Thread(() -> {
                    try {
                        s.getOutputStream().write(data);
                        s.shutdownOutput();
                    } catch (Exception ignored) {
                        // reader's assertion reports the failure
                    }
                });
                writer.start();
                byte[] back = s.getInputStream().readAllBytes();
                writer.join();
                assertThat(Arrays.equals(back, data)).isTrue();
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                PromText m = Proxies.scrape(p);
                Map<String, String> in = Map.of("direction", "inbound", "peer", "127.0.0.1");
                assertThat(m.sum("meshlens_tcp_read_bytes_total", in)).isEqualTo(data.length);
                assertThat(m.sum("meshlens_tcp_write_bytes_total", in)).isEqualTo(data.length);
                assertThat(m.sum("meshlens_tcp_connections_opened_total", in)).isEqualTo(1);
                assertThat(m.sum("meshlens_tcp_connections_closed_total", in)).isEqualTo(1);
                assertThat(m.sum("meshlens_tcp_open_connections", Map.of("direction", "inbound"))).isZero();
                assertThat(m.named("meshlens_requests_total")).isEmpty();
            });
        }
    }

    @Test
    void serverSpeaksFirstAfterDetectTimeout() throws Exception {
        try (RawServer banner = new RawServer(s -> {
                 RawServer.write(s, "220 hello\r\n");
                 s.getInputStream().read();
             });
             RunningProxy p = ProxyServer.start(Proxies.config(banner.address()).detectTimeout(Duration.ofMillis(200)).build())) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", p.inboundPorts().get(0)));
                s.setSoTimeout(20000);
                InputStream in = s.getInputStream();
                byte[] b = in.readNBytes(11);
                assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("220 hello\r\n");
            }
        }
    }

    @Test
    void opaqueTargetRefusedClosesWithError() throws Exception {
        int closed;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = ss.getLocalPort();
        }
        try (RunningProxy p = ProxyServer.start(Proxies.config(new InetSocketAddress("127.0.0.1", closed)).build())) {
            try (Socket s = new Socket("127.0.0.1", p.inboundPorts().get(0))) {
                s.setSoTimeout(20000);
                s.getOutputStream().write(new byte[] {1, 2, 3});
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(Proxies.scrape(p).sum("meshlens_tcp_connections_closed_total",
                            Map.of("direction", "inbound", "error", "connect_refused"))).isEqualTo(1));
        }
    }
}
