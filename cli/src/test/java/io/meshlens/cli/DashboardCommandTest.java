package io.meshlens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

/** {@code meshlens dashboard}: where it listens, and its usage errors. */
class DashboardCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Meshlens.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void printsItsLoopbackUrlAndStops() {
        assertThat(run("dashboard", "--port", "0", "--duration", "100ms", "--api", "http://127.0.3.254:9")).isZero();
        assertThat(out.toString()).matches("meshlens dashboard: http://127\\.0\\.0\\.1:\\d+/  \\(exporter http://127\\.0\\.3\\.254:9, Ctrl-C stops it\\)\\n");
    }

    @Test
    void aNonLoopbackAddressIsAUsageError() {
        assertThat(run("dashboard", "--address", "0.0.0.0", "--port", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("address: '0.0.0.0' (expected: a loopback address such as 127.0.0.1");
    }

    @Test
    void anUnreadableTokenFileIsAUsageError() {
        assertThat(run("dashboard", "--port", "0", "--tap-token-file", "/nonexistent/token")).isEqualTo(2);
        assertThat(err.toString()).contains("--tap-token-file: '/nonexistent/token' cannot be read");
    }
}
