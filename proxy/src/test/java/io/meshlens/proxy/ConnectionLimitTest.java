package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.meshlens.proxy.testing.RawConnection;

/** {@code MESHLENS_MAX_CONNECTIONS}: one cap across the data-path listeners, admin excluded. */
class ConnectionLimitTest {
    private static RawConnection.Response get(RawConnection c) throws Exception {
        c.send("GET / HTTP/1.1\r\nHost: web\r\n\r\n");
        return c.readResponse();
    }

    private static double refused(PromText m, String direction) {
        return m.sum("meshlens_tcp_connections_refused_total", Map.of("direction", direction));
    }

    @Test
    void connectionsAboveTheCapAreClosedAndCountedUntilOneCloses() throws Exception {
        try (Backend app = new Backend();
             RunningProxy p = ProxyServer.start(Proxies.config(app.address()).name("web", app.address())
                     .maxConnections(2).build())) {
            int inbound = p.inboundPorts().get(0);
            PromText before = Proxies.scrape(p);
            assertThat(refused(before, "inbound")).isZero(); // exposed from the start, at 0

            RawConnection a = new RawConnection(inbound);
            try (RawConnection b = new RawConnection(inbound)) {
                assertThat(get(a).status()).isEqualTo(200);
                assertThat(get(b).status()).isEqualTo(200);

                try (RawConnection third = new RawConnection(inbound)) {
                    assertThat(third.readUntilClosed()).isEmpty(); // closed at once, nothing read or sent
                }
                try (RawConnection outbound = new RawConnection(p.outboundPort())) {
                    assertThat(outbound.readUntilClosed()).isEmpty(); // the cap is shared by all listeners
                }
                PromText m = Proxies.scrape(p); // the admin listener is not capped
                assertThat(refused(m, "inbound")).isEqualTo(1);
                assertThat(refused(m, "outbound")).isEqualTo(1);
                assertThat(get(b).status()).isEqualTo(200); // admitted connections keep being served

                a.close();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    try (RawConnection again = new RawConnection(inbound)) {
                        assertThat(get(again).status()).isEqualTo(200);
                    }
                });
            }
        }
    }
}
