package io.meshlens.install.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshlens.install.inject.MeshlensNames;
import io.meshlens.kubetesting.ControlPlane;
import io.meshlens.proxy.Version;

/**
 * {@code meshlens check --pre} and {@code meshlens check} against a real API server: real RBAC
 * decides the pre-install verdicts, and the post-install check judges pods whose status was
 * written through the status subresource, as a kubelet writes it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckerIT {
    static ControlPlane k8s;
    static KubernetesClient admin;

    @BeforeAll
    static void start() {
        k8s = ControlPlane.start(ControlPlane.Options.DEFAULT);
        admin = k8s.admin();
    }

    @AfterAll
    static void stop() {
        if (k8s != null) {
            k8s.close();
        }
    }

    @Test
    @Order(1)
    void preInstallPassesOnAnEmptyServerForAnAdmin() {
        CheckReport r = new Checker(admin).preInstall();
        assertThat(r.ok()).as(r.text()).isTrue();
        assertThat(r.text()).contains("√ can reach the Kubernetes API", "v1.", "√ namespace meshlens does not exist yet",
                "√ can create every resource the bundle installs", "√ can grant the exporter its read-only RBAC");
    }

    @Test
    @Order(2)
    void preInstallNamesEveryPermissionAnInstallerLacks() {
        admin.serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata().withName("installer")
                .endMetadata().build()).create();
        // may install everything, may read everything the exporter reads except nodes
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("almost-installer").endMetadata()
                .addNewRule().withApiGroups("", "apps", "rbac.authorization.k8s.io", "networking.k8s.io")
                .withResources("namespaces", "clusterroles", "clusterrolebindings", "roles", "rolebindings", "serviceaccounts",
                        "services", "configmaps", "secrets", "daemonsets", "deployments", "networkpolicies")
                .withVerbs("get", "create").endRule()
                .addNewRule().withApiGroups("", "apps", "batch", "discovery.k8s.io")
                .withResources("pods", "services", "replicasets", "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs",
                        "endpointslices")
                .withVerbs("get", "list", "watch").endRule().build()).create();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("almost-installer")
                .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "almost-installer")
                .addNewSubject().withKind("ServiceAccount").withName("installer").withNamespace("default").endSubject().build()).create();
        CheckReport r = new Checker(k8s.serviceAccount("default", "installer")).preInstall();
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).as(r.text()).isEqualTo(1);
        assertThat(r.text()).contains("× can grant the exporter its read-only RBAC\n    get nodes (cluster-wide)\n"
                + "    list nodes (cluster-wide)\n    watch nodes (cluster-wide)\n");

        admin.serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata().withName("nobody")
                .endMetadata().build()).create();
        CheckReport none = new Checker(k8s.serviceAccount("default", "nobody")).preInstall();
        CheckResult create = none.results().stream().filter(c -> c.description().equals("can create every resource the bundle installs"))
                .findFirst().orElseThrow();
        assertThat(create.details()).hasSize(Checker.INSTALLED.size()).contains("create namespaces",
                "create clusterroles.rbac.authorization.k8s.io", "create networkpolicies.networking.k8s.io");
    }

    @Test
    @Order(3)
    void postInstallListsEveryStaleAndUnreadyProxyAndSetsFinishedPodsAside() {
        var applied = k8s.kubectl().run("apply", "--server-side", "-k", java.nio.file.Path.of("..", "kustomize").toAbsolutePath().normalize().toString());
        assertThat(applied.ok()).as("%s", applied).isTrue();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged").endMetadata().build()).create();
        k8s.createDefaultServiceAccounts("shop");
        String v = Version.VERSION;
        meshedPod("web-1", v, running(proxy(true, 0, null)));
        meshedPod("web-2", "0.0.9", running(proxy(true, 0, null)));
        meshedPod("cart-1", v, running(proxy(false, 4, "CrashLoopBackOff")));
        meshedPod("cart-2", v, null); // never scheduled: Pending
        meshedPod("report-1", v, new PodStatusBuilder().withPhase("Succeeded").build());
        meshedPod("web-0", v, new PodStatusBuilder().withPhase("Failed").withReason("Evicted")
                .withMessage("The node was low on resource: memory.").build());
        CheckReport r = new Checker(admin).postInstall();
        assertThat(r.ok()).isFalse();
        assertThat(r.text()).contains("× every meshed pod runs a ready proxy on " + v + " (1/4), ignoring 1 completed, 1 evicted\n"
                + "    shop/cart-1: proxy not ready: CrashLoopBackOff (4 restarts)\n"
                + "    shop/cart-2: pod is Pending\n"
                + "    shop/web-2: proxy 0.0.9, expected " + v + " (re-inject and roll out)\n");
        assertThat(r.text()).doesNotContain("web-1:", "web-0:", "report-1:");
        // the exporter DaemonSet has no node to run on in a cluster without nodes
        assertThat(r.text()).contains("× the exporter is ready on every node (0/0)\n    daemonset/meshlens-exporter: scheduled on no node");
    }

    private static ContainerStatus proxy(boolean ready, int restarts, String waiting) {
        ContainerStatusBuilder b = new ContainerStatusBuilder().withName(MeshlensNames.PROXY_CONTAINER).withImage("ghcr.io/meshlens/proxy")
                .withImageID("").withReady(ready).withRestartCount(restarts).withStarted(ready);
        return waiting == null ? b.withNewState().withNewRunning().withStartedAt("2026-01-01T00:00:00Z").endRunning().endState().build()
                : b.withNewState().withNewWaiting().withReason(waiting).endWaiting().endState().build();
    }

    private static PodStatus running(ContainerStatus proxy) {
        return new PodStatusBuilder().withPhase("Running").withPodIP("10.244.0.7").withInitContainerStatuses(proxy)
                .addNewCondition().withType("Ready").withStatus(Boolean.TRUE.equals(proxy.getReady()) ? "True" : "False").endCondition()
                .build();
    }

    /** A meshed pod as the API server stores it, its status then written as a kubelet would. */
    private static void meshedPod(String name, String version, PodStatus status) {
        Pod pod = admin.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels(MeshlensNames.LABEL_MESHED, "true")
                .addToAnnotations(Map.of(MeshlensNames.ANNOTATION_PROXY_VERSION, version, "meshlens.io/admin-port", "4191")).endMetadata()
                .withNewSpec().addNewInitContainer().withName(MeshlensNames.PROXY_CONTAINER).withImage("ghcr.io/meshlens/proxy:" + version)
                .withRestartPolicy("Always").endInitContainer()
                .addNewContainer().withName("app").withImage("registry.example.com/shop/app:1").endContainer()
                .withNodeName(status == null ? null : "node-a").endSpec().build()).create();
        if (status != null) {
            pod.setStatus(status);
            admin.pods().inNamespace("shop").resource(pod).updateStatus();
        }
    }

}
