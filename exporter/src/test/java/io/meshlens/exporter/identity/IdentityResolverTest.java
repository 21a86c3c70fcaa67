package io.meshlens.exporter.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.List;
import java.util.Map;

import io.meshlens.exporter.discovery.ClusterSnapshot;
import io.meshlens.exporter.discovery.NodeInfo;
import io.meshlens.exporter.discovery.OwnerRef;
import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.ServiceInfo;
import io.meshlens.exporter.discovery.StaticInventory;
import io.meshlens.exporter.discovery.WorkloadRef;

class IdentityResolverTest {
    @TempDir
    Path dir;
    IdentityResolver resolver;

    @BeforeEach
    void load() throws Exception {
        Path f = dir.resolve("inv.yaml");
        Files.writeString(f, """
                pods:
                  - {namespace: shop, name: web-1, ip: 10.1.0.5, labels: {app: web},
                     owners: [{kind: ReplicaSet, name: web-rs}, {kind: Deployment, name: web}]}
                  - {namespace: shop, name: api-1, ip: 10.1.0.6, labels: {app: api, tier: back},
                     owners: [{kind: StatefulSet, name: api}]}
                  - {namespace: shop, name: cache-1, ip: 10.1.0.7, labels: {tier: back},
                     owners: [{kind: DaemonSet, name: cache}]}
                services:
                  - {namespace: shop, name: web, clusterIP: 10.96.0.10, selector: {app: web}}
                  - {namespace: shop, name: backends, clusterIP: 10.96.0.11, selector: {tier: back}}
                """);
        resolver = new IdentityResolver(StaticInventory.load(f));
    }

    @Test
    void podIpsAndServiceIpsResolveToWorkloads() {
        assertThat(resolver.resolve("10.1.0.5", "", false, "shop")).isEqualTo(new WorkloadRef("deployment", "shop", "web"));
        assertThat(resolver.resolve("10.96.0.10", "web.shop:80", true, "shop")).isEqualTo(new WorkloadRef("deployment", "shop", "web"));
        // a service in front of two workloads is named as the service
        assertThat(resolver.resolve("10.96.0.11", "backends:80", true, "shop")).isEqualTo(new WorkloadRef("service", "shop", "backends"));
    }

    @Test
    void addressesNobodyOwns() {
        assertThat(resolver.resolve("10.9.9.9", "", false, "shop")).isEqualTo(WorkloadRef.unknown("10.9.9.9"));
        assertThat(resolver.resolve("93.184.216.34", "example.com:443", true, "shop")).isEqualTo(WorkloadRef.external("example.com:443"));
        // a public caller is not named by its IP (that would put the internet into a label)
        assertThat(resolver.resolve("93.184.216.34", "", false, "shop")).isEqualTo(WorkloadRef.external(""));
        assertThat(resolver.resolve("overflow", "x:80", true, "shop")).isEqualTo(WorkloadRef.unknown("overflow"));
        assertThat(resolver.resolve("not-an-ip.example", "", false, "shop").kind()).isEqualTo("external");
    }

    @Test
    void hostNetworkTrafficIsNamedByTheNodeOrItsOnlyHostNetworkWorkload() {
        PodInfo agent = new PodInfo("ops", "agent-x", "192.168.1.10", "node-a", "Running", "", true, false, true,
                Map.of(), Map.of(), new OwnerRef("DaemonSet", "agent"));
        ClusterSnapshot s = new ClusterSnapshot(List.of(agent), List.of(), Map.of(),
                List.of(new NodeInfo("node-a", List.of("192.168.1.10")), new NodeInfo("node-b", List.of("192.168.1.11"))),
                Map.of(), Map.of());
        IdentityResolver r = new IdentityResolver(StaticInventory.of(s));
        assertThat(r.resolve("192.168.1.10", "", false, "shop")).isEqualTo(new WorkloadRef("daemonset", "ops", "agent"));
        assertThat(r.resolve("192.168.1.11", "", false, "shop")).isEqualTo(new WorkloadRef("node", "", "node-b"));
    }

    @Test
    void aServiceIsNamedByItsEndpointSlicesElseByItsSelector() {
        PodInfo web = new PodInfo("shop", "web-0", "10.1.0.5", "node-a", "Running", "", false, false, true,
                Map.of("app", "web"), Map.of(), new OwnerRef("StatefulSet", "web"));
        PodInfo old = new PodInfo("shop", "old-0", "10.1.0.9", "node-a", "Running", "", false, false, true,
                Map.of("app", "web"), Map.of(), new OwnerRef("StatefulSet", "old"));
        ServiceInfo svc = new ServiceInfo("shop", "web", List.of("10.96.0.10"), Map.of("app", "web"));
        // the slices list one backend although the selector matches two workloads: the slices win
        assertThat(resolve(List.of(web, old), svc, Map.of("shop/web", List.of("10.1.0.5")))).isEqualTo(new WorkloadRef("statefulset", "shop", "web"));
        assertThat(resolve(List.of(web, old), svc, Map.of())).isEqualTo(new WorkloadRef("service", "shop", "web"));
        // the EndpointSlice controller's placeholder (no endpoint it could publish: no pod with an
        // IP yet, or addresses the API server refuses) says nothing about the backends: the selector does
        assertThat(resolve(List.of(web), svc, Map.of("shop/web", List.of()))).isEqualTo(new WorkloadRef("statefulset", "shop", "web"));
    }

    private static WorkloadRef resolve(List<PodInfo> pods, ServiceInfo svc, Map<String, List<String>> endpointIps) {
        ClusterSnapshot s = new ClusterSnapshot(pods, List.of(svc), endpointIps, List.of(), Map.of(), Map.of());
        return new IdentityResolver(StaticInventory.of(s)).resolve("10.96.0.10", "web:80", true, "shop");
    }

    @Test
    void aFailedConnectionIsNamedByTheServiceItsAuthorityNames() {
        assertThat(resolver.resolve("", "web:80", true, "shop")).isEqualTo(new WorkloadRef("deployment", "shop", "web"));
        assertThat(resolver.resolve("", "web.shop.svc.cluster.local:80", true, "other"))
                .isEqualTo(new WorkloadRef("deployment", "shop", "web"));
        assertThat(resolver.resolve("", "nosuch.example.com:80", true, "shop")).isEqualTo(WorkloadRef.external("nosuch.example.com:80"));
    }
}
