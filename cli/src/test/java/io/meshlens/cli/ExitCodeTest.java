package io.meshlens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

/** Exit codes and error messages: 0 done, 1 could not answer (with a hint), 2 bad usage. */
class ExitCodeTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Meshlens.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void versionWithoutTheExporterSucceeds() {
        assertThat(run("version")).isZero();
        assertThat(out.toString()).isEqualTo("Client version: 0.1.0\n");
    }

    @Test
    void unreachableExporterIsExitOneWithAHint() {
        // 127.0.3.254:9 (discard) is not listening: a refused connection, immediately.
        assertThat(run("stat", "deploy", "--api", "http://127.0.3.254:9")).isEqualTo(1);
        assertThat(err.toString()).contains("cannot reach the meshlens exporter at http://127.0.3.254:9")
                .contains("hint:").contains("port-forward");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unknownKindIsUsageError() {
        assertThat(run("stat", "gadgets", "--api", "http://127.0.3.254:9")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown resource kind 'gadgets'");
    }

    @Test
    void malformedResourceReferenceIsUsageError() {
        assertThat(run("routes", "voting", "--api", "http://127.0.3.254:9")).isEqualTo(2);
        assertThat(err.toString()).contains("RESOURCE voting (expected: KIND/NAME");
    }

    @Test
    void unknownOutputFormatIsUsageError() {
        assertThat(run("edges", "-o", "yaml")).isEqualTo(2);
        assertThat(err.toString()).contains("-o").contains("yaml");
    }

    @Test
    void unknownCommandIsUsageError() {
        assertThat(run("stats")).isEqualTo(2);
        assertThat(err.toString()).contains("stats");
    }

    @Test
    void badDurationIsUsageError() {
        assertThat(run("tap", "deploy/web", "--duration", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--duration");
    }

    @Test
    void generateCheckFindsTheCommittedFilesUpToDate() {
        // The mixin's own drift test covers content; this proves the command's wiring and exit code.
        assertThat(run("generate", "--check", "..")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("rendered files are up to date");
    }

    @Test
    void generateOutsideACheckoutIsUsageError() {
        assertThat(run("generate", "--check", "src")).isEqualTo(2);
        assertThat(err.toString()).contains("no jsonnet/mixin.libsonnet");
    }
}
