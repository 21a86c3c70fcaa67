package io.meshlens.exporter.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticInventoryTest {
    @TempDir
    Path dir;

    private StaticInventory load(String yaml) throws Exception {
        Path f = dir.resolve("inv.yaml");
        Files.writeString(f, yaml);
        return StaticInventory.load(f);
    }

    @Test
    void loadsPodsServicesAndOwnerChains() throws Exception {
        StaticInventory inv = load("""
                pods:
                  - namespace: a
                    name: web-1
                    ip: 127.0.9.1
                    meshed: true
                    adminPort: 5191
                    labels: {app: web}
                    owners: [{kind: ReplicaSet, name: web-rs}, {kind: Deployment, name: web}]
                  - {namespace: a, name: gone, ip: 127.0.9.1, phase: Failed, reason: Evicted,
                     owners: [{kind: ReplicaSet, name: web-rs}]}
                services:
                  - {namespace: a, name: web-svc, clusterIP: 127.0.9.100, selector: {app: web}}
                """);
        PodInfo web = inv.podByIp("127.0.9.1").orElseThrow();
        assertThat(web.name()).isEqualTo("web-1"); // the running pod wins a reused IP
        assertThat(web.meshed()).isTrue();
        assertThat(web.adminPort()).isEqualTo(5191);
        assertThat(inv.workloadOf(web)).isEqualTo(new WorkloadRef("deployment", "a", "web"));
        assertThat(inv.pods()).hasSize(2);
        ServiceInfo svc = inv.serviceByIp("127.0.9.100").orElseThrow();
        assertThat(inv.backends(svc)).containsExactly(web);
        assertThat(inv.synced()).isTrue();
    }

    @Test
    void errorsNameTheFileAndTheEntry() {
        assertThatThrownBy(() -> load("pods:\n  - {namespace: a, ip: 1.2.3.4}\n"))
                .isInstanceOf(InventoryException.class).hasMessageContaining("inv.yaml").hasMessageContaining("pods[0].name: missing");
        assertThatThrownBy(() -> load("pods: {a: b}\n")).hasMessageContaining("pods: a mapping (expected: a list)");
        assertThatThrownBy(() -> load("pods:\n  - {name: x, owners: [{kind: ReplicaSet}]}\n"))
                .hasMessageContaining("pods[0].owners[0].name: missing");
        assertThatThrownBy(() -> load("pod: []\n")).hasMessageContaining("unknown top-level key 'pod'");
        assertThatThrownBy(() -> load("pods: [\n")).hasMessageContaining("invalid YAML");
        assertThatThrownBy(() -> StaticInventory.load(dir.resolve("missing.yaml"))).hasMessageContaining("cannot read");
    }

    @Test
    void aliasBombsAreRefused() {
        StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 60; i++) {
            y.append("b").append(i).append(": &b").append(i).append(" [*a, *a, *a]\n");
        }
        assertThatThrownBy(() -> load(y.toString())).isInstanceOf(InventoryException.class).hasMessageContaining("invalid YAML");
    }
}
