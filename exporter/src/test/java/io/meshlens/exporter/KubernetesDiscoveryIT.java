package io.meshlens.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshlens.exporter.testing.ClusterIpForwarder;
import io.meshlens.exporter.testing.Exporters;
import io.meshlens.exporter.testing.FakePod;
import io.meshlens.exporter.testing.Kubelet;
import io.meshlens.kubetesting.ControlPlane;
import io.meshlens.kubetesting.Kubectl;
import io.meshlens.proxy.testing.PromText;

/**
 * Discovery against a real API server with kube-controller-manager: the exporter runs as its own
 * service account (the bundle's RBAC), the ReplicaSets, Jobs and Pods are the controllers' own,
 * pods are bound and given IPs as a scheduler and kubelet would, and the IPs are real proxies on
 * loopback with real traffic between them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesDiscoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "shop";
    private static final AtomicInteger NEXT_IP = new AtomicInteger(11);
    private static final String SERVICE_RANGE = "127.0.100.0/24";
    private static final int TO_CLUSTER_IP = 9;

    static ControlPlane k8s;
    static KubernetesClient admin;
    static Kubelet kubelet;
    static RunningExporter exporter;
    static int adminPort;
    static final Map<String, FakePod> podsByName = new HashMap<>();
    static final List<FakePod> fakePods = new ArrayList<>();
    static FakePod bot;
    static ClusterIpForwarder webService;

    @BeforeAll
    static void start() throws Exception {
        // ClusterIPs on loopback, where a test can listen for them as kube-proxy would
        k8s = ControlPlane.start(ControlPlane.Options.WITH_CONTROLLERS.withServiceClusterIpRange(SERVICE_RANGE));
        admin = k8s.admin();
        kubelet = new Kubelet(admin);
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.3.10", 0));
            adminPort = s.getLocalPort();
        }
        Kubectl kubectl = k8s.kubectl();
        Path bundle = Path.of("..", "kustomize", "exporter").toAbsolutePath().normalize();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("meshlens").endMetadata().build()).create();
        for (String f : List.of("serviceaccount.yaml", "rbac.yaml")) {
            Kubectl.Result r = kubectl.run("apply", "--server-side", "-n", "meshlens", "-f", bundle.resolve(f).toString());
            assertThat(r.ok()).as("%s", r).isTrue();
        }
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged").endMetadata().build()).create();
        kubelet.addNode("node-a");
        kubelet.addNode("node-b");
        // the exporter sees the cluster through its own service account's RBAC
        exporter = ExporterServer.start(Exporters.config().kubernetesClient(k8s.serviceAccount("meshlens", "meshlens-exporter")).build());
        await().atMost(Duration.ofSeconds(60)).until(exporter::isReady);
    }

    @AfterAll
    static void stop() {
        if (exporter != null) {
            exporter.close();
        }
        if (webService != null) {
            webService.close();
        }
        fakePods.forEach(FakePod::close);
        if (k8s != null) {
            k8s.close();
        }
    }

    private static PodTemplateSpec meshed(String app) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", app).addToLabels("meshlens.io/meshed", "true")
                .addToAnnotations("meshlens.io/admin-port", String.valueOf(adminPort)).addToAnnotations("meshlens.io/proxy-version", "0.1.0")
                .endMetadata().withNewSpec()
                .addNewInitContainer().withName("meshlens-proxy").withImage("ghcr.io/meshlens/proxy:0.1.0").withRestartPolicy("Always").endInitContainer()
                .addNewContainer().withName(app).withImage("registry.example.com/shop/" + app + ":1").endContainer()
                .endSpec().build();
    }

    /** Binds every pending pod of the selector to a node and runs it on a fresh loopback IP with a real proxy. */
    private static List<Pod> schedule(String app, int expected) throws Exception {
        List<Pod> pending = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            pending.clear();
            for (Pod p : admin.pods().inNamespace(NS).withLabel("app", app).list().getItems()) {
                if (p.getMetadata().getDeletionTimestamp() == null && !podsByName.containsKey(p.getMetadata().getName())) {
                    pending.add(p);
                }
            }
            assertThat(pending).as("new pods of %s", app).hasSize(expected);
        });
        List<Pod> out = new ArrayList<>();
        for (Pod p : pending) {
            String node = p.getSpec().getNodeName() != null ? p.getSpec().getNodeName() : "node-" + (char) ('a' + out.size() % 2);
            if (p.getSpec().getNodeName() == null) {
                kubelet.bind(p, Kubelet.daemonSetNode(p, node));
            }
            FakePod f = FakePod.start("127.0.3." + NEXT_IP.getAndIncrement(), Map.of(), adminPort);
            fakePods.add(f);
            podsByName.put(p.getMetadata().getName(), f);
            out.add(kubelet.run(p, f.ip, "192.0.2.1"));
        }
        return out;
    }

    /** Removes pods the controllers deleted, as their kubelet does once the containers stopped. */
    private static void reapTerminating(String app, int expected) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<Pod> going = admin.pods().inNamespace(NS).withLabel("app", app).list().getItems().stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() != null).toList();
            assertThat(going).as("terminating pods of %s", app).hasSize(expected);
            for (Pod p : going) {
                admin.pods().inNamespace(NS).resource(p).withGracePeriod(0).delete();
            }
        });
    }

    private static JsonNode proxies() throws Exception {
        HttpResponse<String> r = Exporters.get(exporter, "/api/v1/proxies");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("proxies");
    }

    private static JsonNode proxy(String pod) throws Exception {
        for (JsonNode p : proxies()) {
            if (pod.equals(p.get("pod").asText())) {
                return p;
            }
        }
        return null;
    }

    @Test
    @Order(1)
    void workloadsMadeByTheControllersAreNamedByTheirTopOwner() throws Exception {
        admin.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "web").endSelector().withTemplate(meshed("web"))
                .endSpec().build()).create();
        admin.apps().daemonSets().inNamespace(NS).resource(new DaemonSetBuilder().withNewMetadata().withName("agent").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "agent").endSelector().withTemplate(meshed("agent"))
                .endSpec().build()).create();
        admin.apps().statefulSets().inNamespace(NS).resource(new StatefulSetBuilder().withNewMetadata().withName("db").endMetadata()
                .withNewSpec().withReplicas(1).withServiceName("db").withNewSelector().addToMatchLabels("app", "db").endSelector()
                .withTemplate(meshed("db")).endSpec().build()).create();
        PodTemplateSpec job = meshed("report");
        job.getSpec().setRestartPolicy("Never");
        admin.batch().v1().cronjobs().inNamespace(NS).resource(new CronJobBuilder().withNewMetadata().withName("nightly").endMetadata()
                .withNewSpec().withSchedule("0 3 * * *").withNewJobTemplate().withNewSpec().withTemplate(job).endSpec().endJobTemplate()
                .endSpec().build()).create();
        Kubectl.Result manual = k8s.kubectl().run("create", "job", "-n", NS, "nightly-manual", "--from=cronjob/nightly");
        assertThat(manual.ok()).as("%s", manual).isTrue();
        admin.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().addToSelector("app", "web").addNewPort().withPort(8080).withNewTargetPort(8080).endPort().endSpec().build()).create();

        List<Pod> web = schedule("web", 2);
        schedule("db", 1);
        schedule("agent", 2);
        schedule("report", 1);
        for (Pod p : web) {
            assertThat(p.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
                assertThat(o.getKind()).isEqualTo("ReplicaSet");
                assertThat(o.getName()).isEqualTo("web-" + p.getMetadata().getLabels().get("pod-template-hash"));
            });
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, String> kinds = new HashMap<>();
            for (JsonNode p : proxies()) {
                kinds.put(p.get("pod").asText(), p.get("workload_kind").asText() + "/" + p.get("workload").asText());
                assertThat(p.get("up").asBoolean()).as("%s", p).isTrue();
            }
            assertThat(kinds).hasSize(6);
            assertThat(kinds.entrySet()).filteredOn(e -> e.getKey().startsWith("agent-")).extracting(Map.Entry::getValue)
                    .containsOnly("daemonset/agent").hasSize(2);
            assertThat(kinds).containsEntry("db-0", "statefulset/db");
            assertThat(kinds.entrySet()).filteredOn(e -> e.getKey().startsWith("web-")).extracting(Map.Entry::getValue)
                    .containsOnly("deployment/web").hasSize(2);
            assertThat(kinds.entrySet()).filteredOn(e -> e.getKey().startsWith("nightly-manual-")).extracting(Map.Entry::getValue)
                    .containsOnly("cronjob/nightly");
        });
    }

    @Test
    @Order(2)
    void realTrafficIsNamedOnBothSidesIncludingByService() throws Exception {
        Pod webPod = admin.pods().inNamespace(NS).withLabel("app", "web").list().getItems().get(0);
        FakePod web = podsByName.get(webPod.getMetadata().getName());
        bot = FakePod.start("127.0.3." + NEXT_IP.getAndIncrement(), Map.of("web", web.inbound()), adminPort);
        fakePods.add(bot);
        Pod botPod = admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("bot").endMetadata()
                .withSpec(meshed("bot").getSpec()).editSpec().withNodeName("node-a").endSpec()
                .editMetadata().addToLabels("meshlens.io/meshed", "true")
                .addToAnnotations("meshlens.io/admin-port", String.valueOf(adminPort)).endMetadata().build()).create();
        kubelet.run(botPod, bot.ip, "192.0.2.1");
        podsByName.put("bot", bot);
        bot.get("http://web/ok", 200, 7);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PromText m = Exporters.scrape(exporter);
            assertThat(m.sum("meshlens_requests_total", Map.of("direction", "inbound", "namespace", NS, "workload_kind", "deployment",
                    "workload", "web", "pod", webPod.getMetadata().getName(), "src_kind", "pod", "src_workload", "bot"))).isEqualTo(7);
            assertThat(m.sum("meshlens_requests_total", Map.of("direction", "outbound", "workload", "bot", "dst_kind", "deployment",
                    "dst_workload", "web", "dst_namespace", NS))).isEqualTo(7);
        });
    }

    @Test
    @Order(3)
    void trafficToAServiceClusterIpIsNamedByTheWorkloadBehindIt() throws Exception {
        var spec = admin.services().inNamespace(NS).withName("web").get().getSpec();
        String clusterIp = spec.getClusterIP();
        assertThat(clusterIp).as("allocated from --service-cluster-ip-range=" + SERVICE_RANGE).startsWith("127.0.100.");
        // The real EndpointSlice controller cannot publish these pods: the API server refuses
        // loopback addresses in an EndpointSlice ("may not be in the loopback range"). The
        // Service keeps the controller's empty placeholder slice, and the exporter falls back to
        // the Service's selector, as it does for any Service without published endpoints.
        assertThat(admin.discovery().v1().endpointSlices().inNamespace(NS).withLabel("kubernetes.io/service-name", "web").list()
                .getItems()).singleElement().satisfies(es -> assertThat(es.getEndpoints()).isNullOrEmpty());
        // an unprivileged Service port: the forwarder need not run as root
        webService = ClusterIpForwarder.start(new InetSocketAddress(clusterIp, spec.getPorts().get(0).getPort()), () -> readyBackends("web"));
        // "web" resolves to the ClusterIP, as cluster DNS answers for web.shop.svc
        FakePod cart = FakePod.start("127.0.3." + NEXT_IP.getAndIncrement(), Map.of("web", webService.address()), adminPort);
        fakePods.add(cart);
        Pod cartPod = admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("cart").endMetadata()
                .withSpec(meshed("cart").getSpec()).editSpec().withNodeName("node-b").endSpec()
                .editMetadata().addToLabels("meshlens.io/meshed", "true")
                .addToAnnotations("meshlens.io/admin-port", String.valueOf(adminPort)).endMetadata().build()).create();
        kubelet.run(cartPod, cart.ip, "192.0.2.2");
        podsByName.put("cart", cart);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(proxy("cart")).isNotNull());
        cart.get("http://web/ok", 200, TO_CLUSTER_IP);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PromText m = Exporters.scrape(exporter);
            // the caller's proxy saw the ClusterIP as its peer: every request is named by the Service's workload
            assertThat(m.sum("meshlens_requests_total", Map.of("direction", "outbound", "workload", "cart")))
                    .isEqualTo(TO_CLUSTER_IP);
            assertThat(m.sum("meshlens_requests_total", Map.of("direction", "outbound", "workload", "cart", "dst_kind", "deployment",
                    "dst_workload", "web", "dst_namespace", NS))).isEqualTo(TO_CLUSTER_IP);
            // and the web pods, reached through the ClusterIP, name the real caller
            assertThat(m.sum("meshlens_requests_total", Map.of("direction", "inbound", "workload", "web", "src_kind", "pod",
                    "src_workload", "cart", "src_namespace", NS))).isEqualTo(TO_CLUSTER_IP);
        });
    }

    /** The Service's ready backends as kube-proxy would pick them: ready pods of its selector, at their proxies. */
    private static List<InetSocketAddress> readyBackends(String app) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Pod p : admin.pods().inNamespace(NS).withLabel("app", app).list().getItems()) {
            FakePod f = podsByName.get(p.getMetadata().getName());
            boolean ready = p.getStatus() != null && p.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            if (f != null && ready && p.getMetadata().getDeletionTimestamp() == null) {
                out.add(f.inbound());
            }
        }
        return out;
    }

    @Test
    @Order(4)
    void aRolloutMakesANewReplicaSetAndTheOldPodsGo() throws Exception {
        List<String> before = new ArrayList<>();
        admin.pods().inNamespace(NS).withLabel("app", "web").list().getItems().forEach(p -> before.add(p.getMetadata().getName()));
        admin.apps().deployments().inNamespace(NS).withName("web").edit(d -> {
            d.getSpec().getTemplate().getMetadata().getAnnotations().put("example.com/restartedAt", "now");
            return d;
        });
        // maxSurge 25% of 2 rounds up to one new pod at a time
        schedule("web", 1);
        reapTerminating("web", 1);
        schedule("web", 1);
        reapTerminating("web", 1);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<ReplicaSet> sets = admin.apps().replicaSets().inNamespace(NS).withLabel("app", "web").list().getItems();
            assertThat(sets).hasSize(2);
            List<String> names = new ArrayList<>();
            for (JsonNode p : proxies()) {
                if (p.get("workload").asText().equals("web")) {
                    names.add(p.get("pod").asText());
                    assertThat(p.get("workload_kind").asText()).isEqualTo("deployment");
                }
            }
            assertThat(names).hasSize(2).doesNotContainAnyElementsOf(before);
        });
    }

    @Test
    @Order(5)
    void aDeletedPodLeavesAndItsReplacementArrives() throws Exception {
        Pod victim = admin.pods().inNamespace(NS).withLabel("app", "web").list().getItems().get(0);
        admin.pods().inNamespace(NS).resource(victim).withGracePeriod(0).delete();
        schedule("web", 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(proxy(victim.getMetadata().getName())).isNull();
            assertThat(proxies().findValuesAsText("workload")).filteredOn("web"::equals).hasSize(2);
        });
    }

    @Test
    @Order(6)
    void evictedAndCompletedPodsAreListedFinishedAndNotScraped() throws Exception {
        Pod web = admin.pods().inNamespace(NS).withLabel("app", "web").list().getItems().get(0);
        kubelet.evict(web);
        Pod report = admin.pods().inNamespace(NS).withLabel("app", "report").list().getItems().get(0);
        kubelet.complete(report);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode evicted = proxy(web.getMetadata().getName());
            assertThat(evicted.get("finished").asBoolean()).isTrue();
            assertThat(evicted.get("phase").asText()).isEqualTo("Failed (Evicted)");
            assertThat(evicted.get("up").asBoolean()).isFalse();
            JsonNode done = proxy(report.getMetadata().getName());
            assertThat(done.get("finished").asBoolean()).isTrue();
            assertThat(done.get("phase").asText()).isEqualTo("Succeeded");
            PromText m = Exporters.scrape(exporter);
            assertThat(m.named("meshlens_exporter_target_up")).noneSatisfy(s -> assertThat(s.labels().get("pod")).isIn(web.getMetadata().getName(),
                    report.getMetadata().getName()));
        });
    }

    @Test
    @Order(7)
    void informersRecoverFromAnApiServerRestart() throws Exception {
        k8s.stopApiServer();
        await().atMost(Duration.ofSeconds(60)).until(() -> !exporter.isReady());
        assertThat(Exporters.get(exporter, "/ready").body()).contains("Kubernetes API unreachable");
        // the last known state keeps naming the series meanwhile
        assertThat(proxies().findValuesAsText("workload")).contains("web", "db", "agent", "nightly");
        k8s.startApiServer();
        await().atMost(Duration.ofSeconds(90)).until(exporter::isReady);
        // the evicted pod's replacement and one more
        admin.apps().deployments().inNamespace(NS).withName("web").scale(3);
        List<Pod> added = schedule("web", 2);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode p = proxy(added.get(0).getMetadata().getName());
            assertThat(p).isNotNull();
            assertThat(p.get("workload").asText()).isEqualTo("web");
            assertThat(p.get("up").asBoolean()).isTrue();
        });
    }
}
