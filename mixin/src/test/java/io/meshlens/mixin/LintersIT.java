package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.meshlens.mixin.testing.Command;
import io.meshlens.mixin.testing.Repo;
import io.meshlens.mixin.testing.Tools;

/**
 * The ecosystem's linters over the mixin and what it renders, with zero findings or each exclusion
 * in jsonnet/.lint with its reason: jsonnetfmt --test and jsonnet-lint (go-jsonnet) on every
 * jsonnet file, and meshlens-lint (tools/src/meshlens-lint: Grafana's schema types and
 * dashboard-linter's rules for the dashboards, mixtool's and pint's rules for the rule files; it
 * stands in for mixtool, dashboard-linter and pint, which are not served here). The lint rules
 * themselves are proven on files that break them.
 */
class LintersIT {
    private static final Path ROOT = Repo.root();

    private static List<String> jsonnetFiles() throws Exception {
        try (Stream<Path> s = Files.walk(ROOT.resolve("jsonnet"))) {
            return s.map(p -> ROOT.relativize(p).toString()).filter(p -> p.endsWith(".libsonnet") || p.endsWith(".jsonnet")).sorted().toList();
        }
    }

    private static List<String> files(String dir, String suffix) throws Exception {
        try (Stream<Path> s = Files.list(ROOT.resolve(dir))) {
            return s.map(p -> ROOT.relativize(p).toString()).filter(p -> p.endsWith(suffix)).sorted().toList();
        }
    }

    private static Command run(List<String> command) throws Exception {
        return Command.run(ROOT, command);
    }

    @Test
    void everyJsonnetFileIsFormatted() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Tools.path("jsonnetfmt"), "--test"));
        cmd.addAll(jsonnetFiles());
        Command c = run(cmd);
        assertThat(c.exitCode()).as("not formatted (run jsonnetfmt -i on them):%n%s", c.output()).isZero();
    }

    @Test
    void jsonnetLintFindsNothing() throws Exception {
        List<String> findings = new ArrayList<>();
        List<String> files = jsonnetFiles();
        assertThat(files).hasSizeGreaterThan(20);
        for (String f : files) {
            Command c = run(List.of(Tools.path("jsonnet-lint"), "-J", "jsonnet", f));
            if (c.exitCode() != 0) {
                findings.add(f + ": " + c.output());
            }
        }
        assertThat(findings).isEmpty();
    }

    @Test
    void theDashboardsMatchGrafanasSchemaAndTheDashboardLinterRules() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Tools.path("meshlens-lint"), "dashboards", "-exclusions", "jsonnet/.lint"));
        List<String> dashboards = files("grafana/dashboards", ".json");
        assertThat(dashboards).hasSize(8);
        cmd.addAll(dashboards);
        Command c = run(cmd);
        assertThat(c.exitCode()).as(c.output()).isZero();
        assertThat(c.output()).contains("dashboards: 8 files, 0 findings").doesNotContain("FINDING");
    }

    @Test
    void theRuleFilesPassMixtoolsAndPintsRules() throws Exception {
        Command c = run(List.of(Tools.path("meshlens-lint"), "rules", "alerts/meshlens-rules.yaml", "alerts/meshlens-alerts.yaml"));
        assertThat(c.exitCode()).as(c.output()).isZero();
        assertThat(c.output()).contains("rules: 2 files, 0 findings, 0 excluded");
    }

    @Test
    void theLintRulesFindWhatTheyAreFor() throws Exception {
        Path fixtures = ROOT.resolve("mixin/src/test/resources/lint");
        Command rules = run(List.of(Tools.path("meshlens-lint"), "rules", fixtures.resolve("bad-rules.yaml").toString()));
        assertThat(rules.exitCode()).isEqualTo(1);
        assertThat(rules.output()).contains("[mixtool/recording-rule-name] bad / badname", "[mixtool/alert-name] bad / lowercase_alert",
                "[mixtool/alert-annotations] bad / lowercase_alert: no runbook_url", "[alerts/severity]",
                "[alerts/template] bad / lowercase_alert: template reads label \"workload\"", "[promql/rate] bad / a:c:rate5m",
                "[promql/regexp]");
        Command dash = run(List.of(Tools.path("meshlens-lint"), "dashboards", fixtures.resolve("bad-dashboard.json").toString()));
        assertThat(dash.exitCode()).isEqualTo(1);
        assertThat(dash.output()).contains("[grafana-schema] bad:", "unknownField", "[template-datasource-rule]",
                "[panel-title-description-rule]", "[panel-datasource-rule] bad / ", "[panel-units-rule]",
                "[target-rate-interval-rule] bad /  / A: range [5m]", "[target-counter-agg-rule] bad /  / B",
                "[target-promql-rule] bad /  / C");
        // an exclusion without a reason is refused
        Path noReason = Files.writeString(Files.createTempFile("meshlens", ".lint"), "exclusions:\n  panel-units-rule:\n    entries: [{object: x}]\n");
        Command refused = run(List.of(Tools.path("meshlens-lint"), "dashboards", "-exclusions", noReason.toString(),
                fixtures.resolve("bad-dashboard.json").toString()));
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.output()).contains("has no reason");
    }
}
