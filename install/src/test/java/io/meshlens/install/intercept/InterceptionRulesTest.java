package io.meshlens.install.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The rules the init container applies, as data (the netns IT applies them for real). */
class InterceptionRulesTest {
    @Test
    void withoutDeclaredPortsEveryInboundPortButTheProxysOwnIsRedirected() {
        List<String> rules = lines(InterceptionRules.builder().build());
        assertThat(rules).containsExactly(
                "-t nat -A MESHLENS_INBOUND -p tcp -m multiport --dports 4143,4191 -j RETURN",
                "-t nat -A MESHLENS_INBOUND -p tcp -j REDIRECT --to-ports 4143",
                "-t nat -A MESHLENS_OUTBOUND -m owner --uid-owner 2102 -j RETURN",
                "-t nat -A MESHLENS_OUTBOUND -o lo -j RETURN",
                "-t nat -A MESHLENS_OUTBOUND -p tcp -j REDIRECT --to-ports 4140");
    }

    @Test
    void skippedPortsComeBeforeTheRedirectsAndLongListsAreSplitForMultiport() {
        List<Integer> ports = new ArrayList<>();
        for (int p = 8000; p < 8020; p++) {
            ports.add(p);
        }
        List<String> rules = lines(InterceptionRules.builder().proxyUid(1337)
                .inboundPorts(PortRanges.ofPorts(ports))
                .skipInboundPorts(PortRanges.parse("8005"))
                .skipOutboundPorts(PortRanges.parse("5432, 6379-6380"))
                .build());
        assertThat(rules).containsExactly(
                "-t nat -A MESHLENS_INBOUND -p tcp -m multiport --dports 8005 -j RETURN",
                "-t nat -A MESHLENS_INBOUND -p tcp -m multiport --dports 8000,8001,8002,8003,8004,8005,8006,8007,8008,8009,8010,8011,8012,8013,8014 -j REDIRECT --to-ports 4143",
                "-t nat -A MESHLENS_INBOUND -p tcp -m multiport --dports 8015,8016,8017,8018,8019 -j REDIRECT --to-ports 4143",
                "-t nat -A MESHLENS_OUTBOUND -m owner --uid-owner 1337 -j RETURN",
                "-t nat -A MESHLENS_OUTBOUND -o lo -j RETURN",
                "-t nat -A MESHLENS_OUTBOUND -p tcp -m multiport --dports 5432,6379:6380 -j RETURN",
                "-t nat -A MESHLENS_OUTBOUND -p tcp -j REDIRECT --to-ports 4140");
    }

    @Test
    void theScriptFlushesItsChainsAndHooksThemOnlyOnce() {
        String script = InterceptionRules.builder().build().script();
        assertThat(script).startsWith("set -eu\n")
                .contains("iptables -t nat -N MESHLENS_INBOUND 2>/dev/null || iptables -t nat -F MESHLENS_INBOUND\n")
                .contains("iptables -t nat -C OUTPUT -p tcp -j MESHLENS_OUTBOUND 2>/dev/null || iptables -t nat -A OUTPUT -p tcp -j MESHLENS_OUTBOUND\n");
    }

    @Test
    void badValuesAreRefusedWithTheExpectedRange() {
        assertThatThrownBy(() -> InterceptionRules.builder().proxyUid(0)).hasMessageStartingWith("proxyUid: 0 (expected: > 0");
        assertThatThrownBy(() -> PortRanges.parse("70000")).hasMessage("port range: 70000-70000 (expected: 1 <= first <= last <= 65535)");
        assertThatThrownBy(() -> PortRanges.parse("9-3")).hasMessageStartingWith("port range: 9-3");
        assertThat(PortRanges.parse(" 25 , 3306-3307 ").toString()).isEqualTo("25,3306-3307");
        assertThat(PortRanges.parse("").isEmpty()).isTrue();
    }

    private static List<String> lines(InterceptionRules r) {
        return r.commands().stream().map(c -> String.join(" ", c)).toList();
    }
}
