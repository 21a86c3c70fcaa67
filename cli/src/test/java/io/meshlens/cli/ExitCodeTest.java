package io.meshlens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        assertThat(err.toString()).contains("unknown resource kind 'voting'").contains("KIND/NAME or KIND NAME");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stat deploy/web", "stat deploy web", "routes deploy/web", "routes deploy web",
        "tap deploy/web --max 1", "tap deploy web --max 1", "top deploy/web --duration 1s", "top deploy web --duration 1s"})
    void everyCommandTakesBothResourceForms(String command) {
        // Accepted means the command got as far as calling the (absent) exporter: exit 1, not usage 2.
        assertThat(run((command + " --api http://127.0.3.254:9").split(" "))).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("cannot reach the meshlens exporter").doesNotContain("Usage:");
    }

    @Test
    void resourceNamedTwiceIsUsageError() {
        assertThat(run("stat", "deploy/web", "web", "--api", "http://127.0.3.254:9")).isEqualTo(2);
        assertThat(err.toString()).contains("names the resource twice");
    }

    @Test
    void resourceWithoutNameIsUsageErrorWhereANameIsNeeded() {
        assertThat(run("routes", "deploy", "--api", "http://127.0.3.254:9")).isEqualTo(2);
        assertThat(err.toString()).contains("resource 'deploy' has no name").contains("deploy/web");
    }

    @Test
    void unreachablePrometheusNamesTheCauseAndAHint() {
        assertThat(run("stat", "deploy", "--prometheus", "http://127.0.3.254:9")).isEqualTo(1);
        assertThat(err.toString()).contains("cannot reach Prometheus at http://127.0.3.254:9 (connection refused: nothing listens on 127.0.3.254:9)")
                .contains("hint:").contains("--prometheus").doesNotContain("null");
    }

    @Test
    void unknownHostNamesTheHost() {
        assertThat(run("edges", "--api", "http://no-such-host.invalid:9995")).isEqualTo(1);
        assertThat(err.toString()).contains("(unknown host no-such-host.invalid)").contains("hint:");
    }

    @Test
    void checkWithoutKubeconfigSaysSoAndPointsToCheckProxy() {
        String before = System.getProperty("kubeconfig");
        System.setProperty("kubeconfig", "/nonexistent/meshlens-test/kubeconfig");
        try {
            assertThat(run("check")).isEqualTo(1);
        } finally {
            if (before == null) {
                System.clearProperty("kubeconfig");
            } else {
                System.setProperty("kubeconfig", before);
            }
        }
        assertThat(err.toString()).contains("no kubeconfig found (looked for /nonexistent/meshlens-test/kubeconfig)")
                .contains("in-cluster config was tried").contains("meshlens check --proxy").doesNotContain("UnknownHostException");
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
