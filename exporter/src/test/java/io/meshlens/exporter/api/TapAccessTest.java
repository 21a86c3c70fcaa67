package io.meshlens.exporter.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class TapAccessTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void loopbackCallersMayTapWithOrWithoutAToken() throws Exception {
        assertThat(TapAccess.refusal(ip("127.0.0.1"), null, "")).isNull();
        assertThat(TapAccess.refusal(ip("::1"), null, "t0ken")).isNull();
    }

    @Test
    void otherCallersNeedTheToken() throws Exception {
        assertThat(TapAccess.refusal(ip("10.1.2.3"), "Bearer t0ken", "t0ken")).isNull();
        assertThat(TapAccess.refusal(ip("10.1.2.3"), "Bearer wrong", "t0ken"))
                .startsWith("tap from 10.1.2.3: refused (expected: a loopback caller, or Authorization: Bearer");
        assertThat(TapAccess.refusal(ip("10.1.2.3"), null, "t0ken")).isNotNull();
        assertThat(TapAccess.refusal(ip("10.1.2.3"), "Basic dDBrZW4=", "t0ken")).isNotNull();
        // No token configured: nobody off the pod may tap, whatever they send.
        assertThat(TapAccess.refusal(ip("10.1.2.3"), "Bearer ", "")).isNotNull();
        assertThat(TapAccess.refusal(null, null, "")).contains("an unknown address");
    }
}
