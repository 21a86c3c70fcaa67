package io.meshlens.install.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** {@code meshlens check} against fabric8's CRUD mock API server (real HTTP). */
class CheckerTest {
    private MockApiServer api;
    private KubernetesClient client;

    @BeforeEach
    void start() throws Exception {
        api = new MockApiServer("127.0.4.10");
        client = api.client;
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void preInstallPassesOnAFreshClusterWithAdminRights() {
        CheckReport r = new Checker(client).preInstall();
        assertThat(r.ok()).as(r.text()).isTrue();
        assertThat(r.text()).contains("√ can reach the Kubernetes API", "v1.32", "√ namespace meshlens does not exist yet",
                "√ can create every resource the bundle installs", "√ can grant the exporter its read-only RBAC",
                "Status check results are √");
    }

    @Test
    void preInstallListsEverythingInTheWay() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("meshlens").endMetadata().build()).create();
        client.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("meshlens-exporter").endMetadata().build()).create();
        api.denied.addAll(List.of("create clusterroles", "create clusterrolebindings", "list nodes", "watch nodes"));
        CheckReport r = new Checker(client).preInstall();
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).isEqualTo(4);
        assertThat(r.text()).contains(
                "× namespace meshlens does not exist yet\n    namespace meshlens already exists",
                "× no cluster-wide meshlens resources exist yet\n    clusterrole/meshlens-exporter\n",
                "× can create every resource the bundle installs\n    create clusterroles.rbac.authorization.k8s.io\n    create clusterrolebindings.rbac.authorization.k8s.io\n",
                "× can grant the exporter its read-only RBAC\n    list nodes (cluster-wide)\n    watch nodes (cluster-wide)\n",
                "Status check results are × (4 failed)");
        assertThat(r.json()).startsWith("{\"success\":false,").contains("\"details\":[\"list nodes (cluster-wide)\",\"watch nodes (cluster-wide)\"]");
    }

    @Test
    void anUnreachableApiServerFailsWithOneClearResult() {
        Config cfg = new ConfigBuilder().withMasterUrl("https://127.0.4.11:1").withRequestTimeout(2000).withConnectionTimeout(2000)
                .withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient down = new KubernetesClientBuilder().withConfig(cfg).build()) {
            CheckReport r = new Checker(down).postInstall();
            assertThat(r.ok()).isFalse();
            assertThat(r.results()).singleElement().satisfies(c -> {
                assertThat(c.description()).isEqualTo("can reach the Kubernetes API");
                assertThat(c.details()).singleElement().asString().startsWith("https://127.0.4.11:1");
            });
        }
    }

    @Test
    void postInstallIsHealthyAndToleratesCompletedEvictedAndTerminatingPods() {
        installed(2, 2);
        meshedPod("shop", "web-1", "Running", null, ready(true), "0.1.0", false);
        meshedPod("shop", "report-28311", "Running", null, null, "0.1.0", true); // native sidecar: ready in initContainerStatuses
        meshedPod("shop", "report-28310", "Succeeded", null, ready(false), "0.1.0", false);
        meshedPod("shop", "web-0", "Failed", "Evicted", ready(false), "0.0.9", false);
        CheckReport r = new Checker(client).postInstall();
        assertThat(r.ok()).as(r.text()).isTrue();
        assertThat(r.text()).contains("√ the exporter is ready on every node (2/2)",
                "√ every meshed pod runs a ready proxy on 0.1.0 (2/2), ignoring 1 completed, 1 evicted",
                "‼ the tap token has been changed from the placeholder\n    secret/meshlens-tap-token still holds the placeholder");
    }

    @Test
    void postInstallListsEveryStaleOrUnreadyProxyAndExitsWithFailure() {
        installed(3, 2);
        exporterPod("meshlens-exporter-a", true);
        exporterPod("meshlens-exporter-b", false);
        meshedPod("shop", "web-1", "Running", null, ready(true), "0.1.0", false);
        meshedPod("shop", "web-2", "Running", null, ready(true), "0.0.9", false);
        meshedPod("shop", "cart-1", "Running", null, new ContainerStatusBuilder().withName("meshlens-proxy").withReady(false).withRestartCount(4)
                .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState().build(), "0.1.0", false);
        meshedPod("shop", "cart-2", "Pending", null, null, "0.1.0", false);
        meshedPod("ops", "backup-1", "Running", null, null, "0.1.0", false);
        CheckReport r = new Checker(client).postInstall();
        assertThat(r.ok()).isFalse();
        assertThat(r.text()).contains(
                "× the exporter is ready on every node (2/3)\n    daemonset/meshlens-exporter: 2/3 ready\n    pod meshlens-exporter-b not ready\n",
                "× every meshed pod runs a ready proxy on 0.1.0 (1/5)\n"
                        + "    ops/backup-1: no meshlens-proxy container is running (injected but its status is missing)\n"
                        + "    shop/cart-1: proxy not ready: CrashLoopBackOff (4 restarts)\n"
                        + "    shop/cart-2: pod is Pending\n"
                        + "    shop/web-2: proxy 0.0.9, expected 0.1.0 (re-inject and roll out)\n");
        assertThat(r.text()).doesNotContain("exporter-a not ready", "web-1:");
    }

    @Test
    void theDeploymentVariantOfTheExporterIsCheckedToo() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("meshlens").endMetadata().build()).create();
        var d = client.apps().deployments().inNamespace("meshlens").resource(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewMetadata().withName("meshlens-exporter").endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app.kubernetes.io/name", "meshlens-exporter").endSelector().endSpec()
                .build()).create();
        exporterPod("meshlens-exporter-7c9-xk2", false);
        CheckReport r = new Checker(client).postInstall();
        assertThat(r.text()).contains("× deployment/meshlens-exporter is ready (0/1)\n    deployment/meshlens-exporter: 0/1 ready\n"
                + "    pod meshlens-exporter-7c9-xk2 not ready\n");
        // -o json is valid JSON with the same verdicts.
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) new org.snakeyaml.engine.v2.api.Load(
                org.snakeyaml.engine.v2.api.LoadSettings.builder().build()).loadFromString(r.json());
        assertThat(json).containsEntry("success", false);
        assertThat((List<?>) json.get("checks")).hasSameSizeAs(r.results());
        d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReadyReplicas(1).build());
        client.apps().deployments().inNamespace("meshlens").resource(d).updateStatus();
        assertThat(new Checker(client).postInstall().text()).contains("√ deployment/meshlens-exporter is ready (1/1)");
    }

    @Test
    void postInstallBeforeInstallingSaysSo() {
        CheckReport r = new Checker(client).postInstall();
        assertThat(r.ok()).isFalse();
        assertThat(r.text()).contains("× namespace meshlens exists\n    namespace meshlens not found\n    see: kubectl apply -k kustomize/");
    }

    private void installed(int desired, int ready) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("meshlens").endMetadata().build()).create();
        client.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("meshlens-exporter").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "meshlens-exporter").build()).create();
        client.secrets().inNamespace("meshlens").resource(new SecretBuilder().withNewMetadata().withName("meshlens-tap-token").endMetadata()
                .withData(Map.of("token", java.util.Base64.getEncoder().encodeToString("change-me-before-install".getBytes()))).build()).create();
        DaemonSet ds = client.apps().daemonSets().inNamespace("meshlens").resource(new DaemonSetBuilder()
                .withNewMetadata().withName("meshlens-exporter").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app.kubernetes.io/name", "meshlens-exporter").endSelector().endSpec()
                .build()).create();
        ds.setStatus(new io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder()
                .withDesiredNumberScheduled(desired).withNumberReady(ready).withUpdatedNumberScheduled(desired).build());
        client.apps().daemonSets().inNamespace("meshlens").resource(ds).updateStatus();
    }

    private void exporterPod(String name, boolean ready) {
        client.pods().inNamespace("meshlens").resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels("app.kubernetes.io/name", "meshlens-exporter").endMetadata()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus()
                .build()).create();
    }

    private static ContainerStatus ready(boolean ready) {
        return new ContainerStatusBuilder().withName("meshlens-proxy").withReady(ready).withRestartCount(0).build();
    }

    private void meshedPod(String ns, String name, String phase, String reason, ContainerStatus proxy, String version, boolean nativeReady) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .addToLabels("meshlens.io/meshed", "true")
                .addToAnnotations("meshlens.io/proxy-version", version).addToAnnotations("meshlens.io/admin-port", "4191")
                .endMetadata()
                .withNewStatus().withPhase(phase).withReason(reason).endStatus();
        if (proxy != null) {
            b.editStatus().addToContainerStatuses(proxy).endStatus();
        }
        if (nativeReady) {
            b.editStatus().addToInitContainerStatuses(ready(true)).endStatus();
        }
        Pod p = b.build();
        client.pods().inNamespace(ns).resource(p).create();
    }
}
