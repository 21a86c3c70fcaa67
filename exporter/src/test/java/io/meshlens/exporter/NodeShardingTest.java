package io.meshlens.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshlens.exporter.testing.Exporters;
import io.meshlens.exporter.testing.FakePod;
import io.meshlens.proxy.testing.PromText;

/** DaemonSet mode: each exporter scrapes the meshed pods of its own node only, and the shards add up. */
class NodeShardingTest {
    @TempDir
    Path dir;

    @Test
    void eachExporterScrapesItsNodeAndTheShardsAddUp() throws Exception {
        try (FakePod a = FakePod.start("127.0.1.81", Map.of()); FakePod b = FakePod.start("127.0.1.82", Map.of())) {
            Path inv = dir.resolve("inv.yaml");
            Files.writeString(inv, String.join("\n", "pods:",
                    "  - {namespace: t, name: api-a, ip: 127.0.1.81, node: node-a, meshed: true, adminPort: " + a.adminPort()
                            + ", owners: [{kind: Deployment, name: api}]}",
                    "  - {namespace: t, name: api-b, ip: 127.0.1.82, node: node-b, meshed: true, adminPort: " + b.adminPort()
                            + ", owners: [{kind: Deployment, name: api}]}", ""));
            try (RunningExporter ea = ExporterServer.start(Exporters.config().inventory(inv).nodeName("node-a").build());
                 RunningExporter eb = ExporterServer.start(Exporters.config().inventory(inv).nodeName("node-b").build())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> ea.isReady() && eb.isReady());
                PromText ma = Exporters.scrape(ea);
                PromText mb = Exporters.scrape(eb);
                assertThat(ma.named("meshlens_exporter_target_up")).singleElement()
                        .satisfies(s -> assertThat(s.labels()).containsEntry("pod", "api-a"));
                assertThat(mb.named("meshlens_exporter_target_up")).singleElement()
                        .satisfies(s -> assertThat(s.labels()).containsEntry("pod", "api-b"));
                assertThat(ma.named("meshlens_proxy_info")).allSatisfy(s -> assertThat(s.labels()).containsEntry("pod", "api-a"));
                Map<String, String> pods = Map.of("workload", "api", "meshed", "true");
                assertThat(ma.sum("meshlens_workload_pods", pods) + mb.sum("meshlens_workload_pods", pods)).isEqualTo(2);
                // both shards state the same objective; the rules take the max
                assertThat(ma.sum("meshlens_slo_objective", Map.of("workload", "api", "sli", "availability")))
                        .isEqualTo(mb.sum("meshlens_slo_objective", Map.of("workload", "api", "sli", "availability")));
            }
        }
    }
}
