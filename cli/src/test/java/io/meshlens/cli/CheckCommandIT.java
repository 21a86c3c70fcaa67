package io.meshlens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshlens.kubetesting.ControlPlane;
import io.meshlens.kubetesting.Kubectl;
import io.meshlens.proxy.Version;

/**
 * {@code meshlens check} as a user runs it: the CLI's own {@code main} in a fresh JVM, pointed at
 * a real API server by a kubeconfig file in {@code KUBECONFIG}, once as an admin and once as a
 * service account whose RBAC lacks exactly two permissions. The exit code and the text are the
 * product here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckCommandIT {
    static ControlPlane k8s;
    static KubernetesClient admin;

    @TempDir
    static Path home;

    /** What one run of the CLI said. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

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

    /**
     * Runs {@code meshlens ARGS} in its own JVM, with {@code kubeconfig} as {@code KUBECONFIG}
     * (none when null) and an empty home folder, outside any pod.
     */
    static Run meshlens(Path kubeconfig, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"),
                Meshlens.class.getName()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.remove("KUBECONFIG");
        env.remove("KUBERNETES_SERVICE_HOST");
        env.put("HOME", home.toString());
        if (kubeconfig != null) {
            env.put("KUBECONFIG", kubeconfig.toString());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("meshlens " + String.join(" ", args) + ": no exit within 2 minutes");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    @Order(1)
    void preInstallPassesOnAnEmptyServerForAnAdmin() throws Exception {
        Run r = meshlens(k8s.adminKubeconfig(), "check", "--pre");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.out()).contains("√ can reach the Kubernetes API (" + k8s.url() + "/, v1.",
                "√ namespace meshlens does not exist yet", "√ no cluster-wide meshlens resources exist yet",
                "√ can create every resource the bundle installs", "√ can grant the exporter its read-only RBAC",
                "Status check results are √").doesNotContain("×");
    }

    @Test
    @Order(2)
    void preInstallNamesEachPermissionARestrictedServiceAccountLacks() throws Exception {
        admin.serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata().withName("installer")
                .endMetadata().build()).create();
        // Everything the bundle needs except creating NetworkPolicies and watching EndpointSlices.
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("installer").endMetadata()
                .addNewRule().withApiGroups("", "apps", "rbac.authorization.k8s.io")
                .withResources("namespaces", "clusterroles", "clusterrolebindings", "roles", "rolebindings", "serviceaccounts",
                        "services", "configmaps", "secrets", "daemonsets", "deployments")
                .withVerbs("get", "create").endRule()
                .addNewRule().withApiGroups("networking.k8s.io").withResources("networkpolicies").withVerbs("get").endRule()
                .addNewRule().withApiGroups("", "apps", "batch")
                .withResources("pods", "services", "nodes", "replicasets", "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs")
                .withVerbs("get", "list", "watch").endRule()
                .addNewRule().withApiGroups("discovery.k8s.io").withResources("endpointslices").withVerbs("get", "list").endRule()
                .build()).create();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("installer").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "installer")
                .addNewSubject().withKind("ServiceAccount").withName("installer").withNamespace("default").endSubject().build()).create();

        Run r = meshlens(k8s.serviceAccountKubeconfig("default", "installer"), "check", "--pre");
        assertThat(r.exit()).as("%s", r).isEqualTo(1);
        assertThat(r.out()).contains("√ can reach the Kubernetes API", "√ namespace meshlens does not exist yet",
                "× can create every resource the bundle installs\n    create networkpolicies.networking.k8s.io\n"
                        + "    see: ask a cluster admin to install meshlens\n",
                "× can grant the exporter its read-only RBAC\n    watch endpointslices.discovery.k8s.io (cluster-wide)\n"
                        + "    see: RBAC only lets you grant permissions you hold yourself\n",
                "Status check results are × (2 failed)");
    }

    @Test
    @Order(3)
    void postInstallListsEveryStaleAndUnreadyProxyAndSetsFinishedPodsAside() throws Exception {
        Kubectl.Result applied = k8s.kubectl().run("apply", "--server-side", "-k",
                Path.of("..", "kustomize").toAbsolutePath().normalize().toString());
        assertThat(applied.ok()).as("%s", applied).isTrue();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged").endMetadata().build()).create();
        k8s.createDefaultServiceAccounts("shop");
        String v = Version.VERSION;
        meshedPod("web-1", v, running(true, 0, null));
        meshedPod("web-2", "0.0.9", running(true, 0, null));
        meshedPod("cart-1", v, running(false, 4, "CrashLoopBackOff"));
        meshedPod("cart-2", v, null);
        meshedPod("report-1", v, new PodStatusBuilder().withPhase("Succeeded").build());
        meshedPod("web-0", v, new PodStatusBuilder().withPhase("Failed").withReason("Evicted")
                .withMessage("The node was low on resource: memory.").build());

        Run r = meshlens(k8s.adminKubeconfig(), "check");
        assertThat(r.exit()).as("%s", r).isEqualTo(1);
        assertThat(r.out()).contains("√ namespace meshlens exists",
                "× every meshed pod runs a ready proxy on " + v + " (1/4), ignoring 1 completed, 1 evicted\n"
                        + "    shop/cart-1: proxy not ready: CrashLoopBackOff (4 restarts)\n"
                        + "    shop/cart-2: pod is Pending\n"
                        + "    shop/web-2: proxy 0.0.9, expected " + v + " (re-inject and roll out)\n",
                "‼ the tap token has been changed from the placeholder\n    secret/meshlens-tap-token still holds the placeholder\n")
                .doesNotContain("web-1:", "web-0:", "report-1:");

        Run json = meshlens(k8s.adminKubeconfig(), "check", "-o", "json");
        assertThat(json.exit()).as("%s", json).isEqualTo(1);
        assertThat(json.out()).startsWith("{\"success\":false,")
                .contains("\"details\":[\"shop/cart-1: proxy not ready: CrashLoopBackOff (4 restarts)\",\"shop/cart-2: pod is Pending\",");
    }

    @Test
    @Order(4)
    void withoutAKubeconfigItSaysWhereItLookedAndPointsToCheckProxy() throws Exception {
        Run r = meshlens(null, "check");
        assertThat(r.exit()).as("%s", r).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("meshlens check: no kubeconfig found (looked for " + home.resolve(".kube").resolve("config") + ")",
                "in-cluster config was tried (not in a pod: no KUBERNETES_SERVICE_HOST",
                "hint: set KUBECONFIG or pass --context for a cluster; for the local demo run: meshlens check --proxy")
                .doesNotContain("Exception");
    }

    private static PodStatus running(boolean ready, int restarts, String waiting) {
        var proxy = new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName("meshlens-proxy")
                .withImage("ghcr.io/meshlens/proxy").withImageID("").withReady(ready).withRestartCount(restarts).withStarted(ready);
        var status = waiting == null ? proxy.withNewState().withNewRunning().withStartedAt("2026-01-01T00:00:00Z").endRunning().endState().build()
                : proxy.withNewState().withNewWaiting().withReason(waiting).endWaiting().endState().build();
        return new PodStatusBuilder().withPhase("Running").withPodIP("10.244.0.7").withInitContainerStatuses(status)
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().build();
    }

    /** A meshed pod as the API server stores it, its status then written as a kubelet would. */
    private static void meshedPod(String name, String version, PodStatus status) {
        var pod = admin.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels("meshlens.io/meshed", "true")
                .addToAnnotations(Map.of("meshlens.io/proxy-version", version, "meshlens.io/admin-port", "4191")).endMetadata()
                .withNewSpec().addNewInitContainer().withName("meshlens-proxy").withImage("ghcr.io/meshlens/proxy:" + version)
                .withRestartPolicy("Always").endInitContainer()
                .addNewContainer().withName("app").withImage("registry.example.com/shop/app:1").endContainer()
                .withNodeName(status == null ? null : "node-a").endSpec().build()).create();
        if (status != null) {
            pod.setStatus(status);
            admin.pods().inNamespace("shop").resource(pod).updateStatus();
        }
    }
}
