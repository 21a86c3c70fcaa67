package io.meshlens.exporter.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class OwnershipTest {
    private static final Map<String, OwnerRef> OWNERS = Map.of(
            "shop/ReplicaSet/web-6b7c9", new OwnerRef("Deployment", "web"),
            "shop/Job/report-28912345", new OwnerRef("CronJob", "report"),
            "shop/ReplicaSet/loop-a", new OwnerRef("ReplicaSet", "loop-b"),
            "shop/ReplicaSet/loop-b", new OwnerRef("ReplicaSet", "loop-a"));

    private static final Ownership.OwnerLookup LOOKUP = (ns, ref) -> Optional.ofNullable(OWNERS.get(ns + "/" + ref.kind() + "/" + ref.name()));

    private static PodInfo pod(String name, OwnerRef owner, String phase, Map<String, String> labels) {
        return new PodInfo("shop", name, "10.0.0.1", "n1", phase, "", false, false, true, labels, Map.of(), owner);
    }

    @Test
    void deploymentThroughItsReplicaSet() {
        assertThat(Ownership.resolve(pod("web-6b7c9-x", new OwnerRef("ReplicaSet", "web-6b7c9"), "Running", Map.of()), LOOKUP))
                .isEqualTo(new WorkloadRef("deployment", "shop", "web"));
    }

    @Test
    void cronJobThroughItsJob() {
        assertThat(Ownership.resolve(pod("report-28912345-q", new OwnerRef("Job", "report-28912345"), "Succeeded", Map.of()), LOOKUP))
                .isEqualTo(new WorkloadRef("cronjob", "shop", "report"));
    }

    @Test
    void directControllersAndBarePods() {
        assertThat(Ownership.resolve(pod("db-0", new OwnerRef("StatefulSet", "db"), "Running", Map.of()), LOOKUP))
                .isEqualTo(new WorkloadRef("statefulset", "shop", "db"));
        assertThat(Ownership.resolve(pod("agent-x", new OwnerRef("DaemonSet", "agent"), "Running", Map.of()), LOOKUP))
                .isEqualTo(new WorkloadRef("daemonset", "shop", "agent"));
        assertThat(Ownership.resolve(pod("one-off", null, "Running", Map.of()), LOOKUP))
                .isEqualTo(new WorkloadRef("pod", "shop", "one-off"));
        assertThat(Ownership.resolve(pod("j-x", new OwnerRef("Job", "adhoc"), "Failed", Map.of()), LOOKUP))
                .isEqualTo(new WorkloadRef("job", "shop", "adhoc"));
    }

    @Test
    void unknownReplicaSetFallsBackToTheDeploymentNamedByTheTemplateHash() {
        assertThat(Ownership.resolve(pod("api-7f9c8-z", new OwnerRef("ReplicaSet", "api-7f9c8"), "Running",
                Map.of("pod-template-hash", "7f9c8")), LOOKUP)).isEqualTo(new WorkloadRef("deployment", "shop", "api"));
        // without the hash label the nearest known owner is all we can say
        assertThat(Ownership.resolve(pod("rs-y", new OwnerRef("ReplicaSet", "bare-rs"), "Running", Map.of()), LOOKUP))
                .isEqualTo(new WorkloadRef("replicaset", "shop", "bare-rs"));
    }

    @Test
    void evictedPodsResolveAndOwnerCyclesTerminate() {
        PodInfo evicted = new PodInfo("shop", "web-6b7c9-old", "", "n1", "Failed", "Evicted", false, false, false,
                Map.of(), Map.of(), new OwnerRef("ReplicaSet", "web-6b7c9"));
        assertThat(Ownership.resolve(evicted, LOOKUP)).isEqualTo(new WorkloadRef("deployment", "shop", "web"));
        assertThat(evicted.finished()).isTrue();
        assertThat(evicted.scrapeable()).isFalse();
        assertThat(Ownership.resolve(pod("loop", new OwnerRef("ReplicaSet", "loop-a"), "Running", Map.of()), LOOKUP).kind())
                .isEqualTo("replicaset");
    }
}
