package io.meshlens.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestGuardTest {
    private final RequestGuard guard = new RequestGuard(50750);

    @Test
    void answersItsOwnPagesOnLoopbackNames() {
        assertThat(guard.refusal("127.0.0.1:50750", null, null)).isNull();
        assertThat(guard.refusal("localhost:50750", "http://localhost:50750", "same-origin")).isNull();
        assertThat(guard.refusal("127.0.10.100:50750", null, "none")).isNull();
        assertThat(guard.refusal("[::1]:50750", "http://[::1]:50750", null)).isNull();
    }

    @Test
    void refusesAHostileNameThatResolvesToLoopback() {
        assertThat(guard.refusal("rebind.attacker.example:50750", null, null))
                .startsWith("Host: 'rebind.attacker.example:50750' (expected: localhost:50750");
        assertThat(guard.refusal("127.0.0.1.attacker.example:50750", null, null)).startsWith("Host: ");
        assertThat(guard.refusal("127.0.0.1:80", null, null)).startsWith("Host: ");
        assertThat(guard.refusal("10.0.0.1:50750", null, null)).startsWith("Host: ");
        assertThat(guard.refusal(null, null, null)).startsWith("Host: 'null'");
    }

    @Test
    void refusesOtherOrigins() {
        assertThat(guard.refusal("127.0.0.1:50750", "http://127.0.0.1:8080", null))
                .isEqualTo("Origin: 'http://127.0.0.1:8080' (expected: http://127.0.0.1:50750; the dashboard answers its own pages only)");
        assertThat(guard.refusal("127.0.0.1:50750", "null", null)).startsWith("Origin: 'null'");
        assertThat(guard.refusal("127.0.0.1:50750", null, "cross-site")).startsWith("Sec-Fetch-Site: 'cross-site'");
        assertThat(guard.refusal("127.0.0.1:50750", null, "same-site")).startsWith("Sec-Fetch-Site: 'same-site'");
    }
}
