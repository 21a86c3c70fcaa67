package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.meshlens.mixin.testing.Command;
import io.meshlens.mixin.testing.Repo;
import io.meshlens.mixin.testing.Tools;

/** The example Alertmanager config passes the real amtool and routes pages and tickets apart. */
class AlertmanagerConfigTest {
    private static final String CONFIG = "--config.file=alerts/alertmanager.yml";

    @Test
    void amtoolAcceptsTheConfig() throws Exception {
        Command c = Command.run(Repo.root(), List.of(Tools.path("amtool"), "check-config", "alerts/alertmanager.yml"));
        assertThat(c.exitCode()).as(c.output()).isZero();
        assertThat(c.output()).contains("SUCCESS").contains("1 inhibit rules").contains("2 receivers");
    }

    @Test
    void pagesAndTicketsReachDifferentReceivers() throws Exception {
        assertThat(route("severity=critical", "alertname=MeshlensAvailabilityBudgetBurn")).isEqualTo("page");
        assertThat(route("severity=warning", "alertname=MeshlensAvailabilityBudgetBurn")).isEqualTo("ticket");
        assertThat(route("severity=warning", "alertname=MeshlensWorkloadSuccessRateLow")).isEqualTo("ticket");
        // anything unlabelled still lands somewhere a person reads
        assertThat(route("alertname=Other")).isEqualTo("ticket");
    }

    private static String route(String... labels) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Tools.path("amtool"), "config", "routes", "test", CONFIG));
        cmd.addAll(List.of(labels));
        Command c = Command.run(Repo.root(), cmd);
        assertThat(c.exitCode()).as(c.output()).isZero();
        // amtool may print a warning first; the receivers are its last line
        List<String> lines = c.output().strip().lines().toList();
        return lines.get(lines.size() - 1).strip();
    }
}
