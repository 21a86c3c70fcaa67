package io.meshlens.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class DemoAddressesTest {
    @Test
    void listenDefaultsToTheManifestsPortAndAcceptsAnyFreePort() {
        assertThat(DemoAddresses.listen(Map.of()).getPort()).isEqualTo(8080);
        assertThat(DemoAddresses.listen(Map.of("LISTEN", "127.0.0.1:0")).getPort()).isZero();
    }

    @Test
    void upstreamKeepsTheAuthorityAsWritten() {
        Upstream u = DemoAddresses.upstream(Map.of("EMOJI_ADDR", "localhost:8080"), "EMOJI_ADDR");
        assertThat(u.authority()).isEqualTo("localhost:8080");
        assertThat(u.connect().isUnresolved()).isFalse();
        assertThat(u.connect().getPort()).isEqualTo(8080);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> DemoAddresses.upstream(Map.of(), "WEB_ADDR"))
                .hasMessage("WEB_ADDR is not set (expected: host:port, for example web-svc:8080)");
        assertThatThrownBy(() -> DemoAddresses.upstream(Map.of("WEB_ADDR", "web-svc:0"), "WEB_ADDR"))
                .hasMessage("WEB_ADDR: web-svc:0 (expected: host:port with a port in 1..65535)");
        assertThatThrownBy(() -> DemoAddresses.listen(Map.of("LISTEN", "0.0.0.0")))
                .hasMessage("LISTEN: 0.0.0.0 (expected: host:port with a port in 0..65535)");
        assertThatThrownBy(() -> DemoAddresses.rate(Map.of("RATE", "fast")))
                .hasMessage("RATE: fast (expected: requests per second > 0, for example 20)");
    }
}
