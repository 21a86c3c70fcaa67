package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.mixin.testing.Command;
import io.meshlens.mixin.testing.Dashboards;
import io.meshlens.mixin.testing.Repo;
import io.meshlens.mixin.testing.Tools;

/**
 * The mixin installs the way kubernetes-mixin and node-mixin do: the real jsonnet-bundler (`jb`)
 * installs it from a local path into a fresh project, and the real go-jsonnet renders it from
 * vendor/ with an importer's override. An importer gets dashboards, rules and alerts, and none of
 * this repository's rendering-only parts (Grafana provisioning, the Alertmanager example).
 */
class MixinBundlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path project;

    @Test
    void jbInstallsTheMixinFromALocalPathAndItRenders() throws Exception {
        Command init = Command.run(project, List.of(Tools.path("jb"), "init"));
        assertThat(init.exitCode()).as(init.output()).isZero();
        // jb takes a local dependency as a path relative to the project
        String local = project.toAbsolutePath().relativize(Repo.root().resolve("jsonnet")).toString();
        Command install = Command.run(project, List.of(Tools.path("jb"), "install", local));
        assertThat(install.exitCode()).as(install.output()).isZero();
        assertThat(Files.readString(project.resolve("jsonnetfile.json"))).contains("\"directory\": \"" + local + "\"");
        assertThat(project.resolve("vendor/jsonnet/mixin.libsonnet")).isRegularFile();

        String importer = """
                local meshlens = (import 'jsonnet/mixin.libsonnet') + { _config+:: { exporterSelector: 'job="mesh"', showMultiCluster: true } };
                {
                  dashboards: std.objectFields(meshlens.grafanaDashboards),
                  ruleGroups: [g.name for g in meshlens.prometheusRules.groups],
                  alertGroups: [g.name for g in meshlens.prometheusAlerts.groups],
                  firstRule: meshlens.prometheusRules.groups[0].rules[0].expr,
                  renderOnly: [f for f in ['grafanaProvisioning', 'alertmanagerConfig'] if std.objectHasAll(meshlens, f)],
                }
                """;
        Command render = Command.run(project, List.of(Tools.path("jsonnet"), "-J", "vendor", "-e", importer));
        assertThat(render.exitCode()).as(render.output()).isZero();
        JsonNode out = JSON.readTree(render.output());
        assertThat(out.path("dashboards")).hasSize(Dashboards.load(Repo.root()).size());
        assertThat(out.path("ruleGroups").toString()).contains("meshlens.workload.rules", "meshlens.slo.rules");
        assertThat(out.path("alertGroups").toString()).contains("meshlens.golden-signals", "meshlens.slo.alerts");
        assertThat(out.path("firstRule").asText()).contains("job=\"mesh\"", "cluster");
        assertThat(out.path("renderOnly")).isEmpty();
    }
}
