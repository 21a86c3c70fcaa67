package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshlens.mixin.testing.Command;
import io.meshlens.mixin.testing.Repo;
import io.meshlens.mixin.testing.Tools;

/**
 * The real promtool (the pinned Prometheus 3 build, scripts/tools.sh) accepts the
 * rendered rules and runs the unit tests in alerts/tests: every alert firing and not yet firing,
 * the SLO scenarios and the low-traffic silence.
 */
class PromtoolRulesIT {
    private static final Path ROOT = Repo.root();

    @Test
    void renderedRulesPassPromtoolCheck() throws Exception {
        Command c = Command.run(ROOT, List.of(Tools.path("promtool"), "check", "rules",
                "alerts/meshlens-rules.yaml", "alerts/meshlens-alerts.yaml"));
        assertThat(c.exitCode()).as(c.output()).isZero();
        assertThat(c.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    static Stream<String> unitTestFiles() throws Exception {
        try (Stream<Path> s = Files.list(ROOT.resolve("alerts/tests"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("unitTestFiles")
    void promtoolUnitTestsPass(String file) throws Exception {
        Command c = Command.run(ROOT.resolve("alerts/tests"), List.of(Tools.path("promtool"), "test", "rules", file));
        assertThat(c.exitCode()).as(c.output()).isZero();
        assertThat(c.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTestAndARunbookEntry() throws Exception {
        String rules = Files.readString(ROOT.resolve("alerts/meshlens-alerts.yaml"));
        StringBuilder tests = new StringBuilder();
        for (String f : unitTestFiles().toList()) {
            tests.append(Files.readString(ROOT.resolve("alerts/tests").resolve(f)));
        }
        String runbook = Files.readString(ROOT.resolve("docs/alerts.md"));
        List<String> alerts = rules.lines().map(String::strip).filter(l -> l.startsWith("- alert: "))
                .map(l -> l.substring("- alert: ".length())).distinct().toList();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(9);
        for (String a : alerts) {
            assertThat(tests.toString()).as("a promtool test for " + a).contains("alertname: " + a);
            assertThat(runbook).as("a runbook section for " + a).contains("## " + a);
        }
    }
}
