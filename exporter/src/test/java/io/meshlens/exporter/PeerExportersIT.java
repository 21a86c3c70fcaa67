package io.meshlens.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshlens.exporter.testing.FakePod;
import io.meshlens.exporter.testing.Kubelet;
import io.meshlens.kubetesting.ControlPlane;
import io.meshlens.kubetesting.Kubectl;

/**
 * The default install's three exporters find each other through the real API server: the
 * bundle's DaemonSet, applied with kubectl, gets one pod per node from the real DaemonSet
 * controller; each pod is bound and given, as its status IP, the loopback address where that
 * node's exporter really listens. Each exporter scrapes only its node's proxies and learns its
 * peers from its own pod informer, yet the live API of any one answers for the whole cluster,
 * exactly the sum of the three shards, and names the node whose exporter has stopped, then
 * follows that node's replacement exporter pod from unbound to Pending to Running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeerExportersIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "shop";
    private static final String[] NODES = {"node-a", "node-b", "node-c"};
    private static final String[] EXPORTER_IPS = {"127.0.7.11", "127.0.7.12", "127.0.7.13"};
    private static final int WEB_A_OK = 21;
    private static final int WEB_A_FAILED = 4;
    private static final int WEB_B_OK = 13;
    private static final int API_OK = 8;

    static ControlPlane k8s;
    static KubernetesClient admin;
    static Kubelet kubelet;
    static int adminPort;
    static final List<RunningExporter> exporters = new ArrayList<>();
    static final Map<String, String> exporterPodByNode = new HashMap<>();
    static final List<FakePod> fakePods = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        k8s = ControlPlane.start(ControlPlane.Options.WITH_CONTROLLERS);
        admin = k8s.admin();
        kubelet = new Kubelet(admin);
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.7.20", 0));
            adminPort = s.getLocalPort();
        }
        for (String node : NODES) {
            kubelet.addNode(node);
        }
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("meshlens").endMetadata().build()).create();
        Path bundle = Path.of("..", "kustomize", "exporter").toAbsolutePath().normalize();
        for (String f : List.of("serviceaccount.yaml", "rbac.yaml", "daemonset.yaml")) {
            Kubectl.Result r = k8s.kubectl().run("apply", "--server-side", "-n", "meshlens", "-f", bundle.resolve(f).toString());
            assertThat(r.ok()).as("%s", r).isTrue();
        }
        startExporters();
        startWorkloads();
    }

    /** One exporter per node, each where its DaemonSet pod's IP says, all on one port (one pod template). */
    private static void startExporters() throws Exception {
        List<Pod> pods = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            pods.clear();
            pods.addAll(admin.pods().inNamespace("meshlens").withLabel("app.kubernetes.io/name", "meshlens-exporter").list().getItems());
            assertThat(pods).as("the DaemonSet controller's pods").hasSize(NODES.length);
        });
        for (Pod p : pods) {
            String node = Kubelet.daemonSetNode(p, "");
            int i = List.of(NODES).indexOf(node);
            assertThat(i).as("pod %s names node %s", p.getMetadata().getName(), node).isNotNegative();
            exporterPodByNode.put(node, p.getMetadata().getName());
        }
        for (int i = 0; i < NODES.length; i++) {
            exporters.add(exporter(i, i == 0 ? 0 : exporters.get(0).port()));
        }
        for (int i = 0; i < NODES.length; i++) {
            Pod p = admin.pods().inNamespace("meshlens").withName(exporterPodByNode.get(NODES[i])).get();
            kubelet.bind(p, NODES[i]);
            kubelet.run(p, EXPORTER_IPS[i], "192.0.2." + (i + 1));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> exporters.stream().allMatch(RunningExporter::isReady));
    }

    /** The exporter of node {@code i}, as its service account, on its pod's IP. */
    private static RunningExporter exporter(int i, int port) {
        // A scrape that times out on a busy machine would drop a pod from that cycle's window;
        // a generous timeout keeps the counts whole (this test is about merging, not scraping).
        return ExporterServer.start(ExporterConfig.builder().kubernetesClient(k8s.serviceAccount("meshlens", "meshlens-exporter"))
                .nodeName(NODES[i]).listen(new InetSocketAddress(EXPORTER_IPS[i], port))
                .scrapeInterval(Duration.ofSeconds(2)).scrapeTimeout(Duration.ofSeconds(2)).build());
    }

    /** web on node-a and node-b, api on node-c, the bot calling all three from node-b; proxies on loopback. */
    private static void startWorkloads() throws Exception {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged").endMetadata().build()).create();
        deployment("web", 2);
        deployment("api", 1);
        deployment("bot", 1);
        FakePod webA = run("web", 0, "node-a", "127.0.7.31", Map.of());
        FakePod webB = run("web", 1, "node-b", "127.0.7.32", Map.of());
        FakePod api = run("api", 0, "node-c", "127.0.7.33", Map.of());
        FakePod bot = run("bot", 0, "node-b", "127.0.7.34",
                Map.of("web-a", webA.inbound(), "web-b", webB.inbound(), "api", api.inbound()));
        // Every exporter scrapes its node's proxies before any traffic: the windows hold it all.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 0; i < NODES.length; i++) {
                assertThat(get(i, "/api/v1/shard?window=5m").get("proxies")).as("shard of %s", NODES[i])
                        .isNotEmpty().allSatisfy(p -> assertThat(p.get("up").asBoolean()).as("%s", p).isTrue());
            }
        });
        bot.get("http://web-a/ok", 200, WEB_A_OK);
        bot.get("http://web-a/status/503", 503, WEB_A_FAILED);
        bot.get("http://web-b/ok", 200, WEB_B_OK);
        bot.get("http://api/ok", 200, API_OK);
    }

    private static void deployment(String app, int replicas) {
        admin.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata().withName(app).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", app).endSelector()
                .withTemplate(new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", app)
                        .addToLabels("meshlens.io/meshed", "true").addToAnnotations("meshlens.io/admin-port", String.valueOf(adminPort))
                        .addToAnnotations("meshlens.io/proxy-version", "0.1.0").endMetadata().withNewSpec()
                        .addNewInitContainer().withName("meshlens-proxy").withImage("ghcr.io/meshlens/proxy:0.1.0")
                        .withRestartPolicy("Always").endInitContainer()
                        .addNewContainer().withName(app).withImage("registry.example.com/shop/" + app + ":1").endContainer()
                        .endSpec().build())
                .endSpec().build()).create();
    }

    /** Binds the {@code index}th pod of the ReplicaSet controller's pods of {@code app} and runs it on {@code ip}. */
    private static FakePod run(String app, int index, String node, String ip, Map<String, InetSocketAddress> names) throws Exception {
        List<Pod> pods = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            pods.clear();
            pods.addAll(admin.pods().inNamespace(NS).withLabel("app", app).list().getItems());
            assertThat(pods).as("pods of %s", app).hasSizeGreaterThan(index);
        });
        pods.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
        Pod p = pods.get(index);
        kubelet.bind(p, node);
        FakePod f = FakePod.start(ip, names, adminPort);
        fakePods.add(f);
        kubelet.run(p, ip, "192.0.2." + (1 + List.of(NODES).indexOf(node)));
        return f;
    }

    @AfterAll
    static void stop() {
        exporters.forEach(RunningExporter::close);
        fakePods.forEach(FakePod::close);
        if (k8s != null) {
            k8s.close();
        }
    }

    private static JsonNode get(int exporter, String pathAndQuery) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + EXPORTER_IPS[exporter] + ":" + exporters.get(exporter).port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Inbound requests per workload in one exporter's own shard: its node's share only. */
    private static Map<String, Long> shardInbound(int exporter) throws Exception {
        Map<String, Long> out = new HashMap<>();
        for (JsonNode t : get(exporter, "/api/v1/shard?window=5m").get("traffic")) {
            if ("inbound".equals(t.get("direction").asText())) {
                out.merge(t.get("reporter_workload").asText(), t.get("success").asLong() + t.get("failure").asLong(), Long::sum);
            }
        }
        return out;
    }

    private static Map<String, Long> requestsByName(JsonNode stat) {
        Map<String, Long> out = new HashMap<>();
        stat.get("rows").forEach(r -> out.merge(r.get("name").asText(), r.get("requests").asLong(), Long::sum));
        return out;
    }

    @Test
    @Order(1)
    void anyExporterAnswersExactlyTheSumOfAllShards() {
        Map<String, Long> sent = Map.of("web", (long) WEB_A_OK + WEB_A_FAILED + WEB_B_OK, "api", (long) API_OK);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, Long> sumOfShards = new HashMap<>();
            for (int i = 0; i < NODES.length; i++) {
                Map<String, Long> own = shardInbound(i);
                assertThat(own).as("the shard of %s holds its node's share only", NODES[i]).isNotEqualTo(sent);
                own.forEach((k, v) -> sumOfShards.merge(k, v, Long::sum));
            }
            assertThat(sumOfShards).isEqualTo(sent);
            for (int i = 0; i < NODES.length; i++) {
                JsonNode stat = get(i, "/api/v1/stat?resource=deploy&namespace=" + NS + "&window=5m");
                assertThat(stat.get("exporters").asInt()).as("windows merged by the exporter of %s", NODES[i]).isEqualTo(3);
                assertThat(stat.get("partial").asBoolean()).isFalse();
                assertThat(stat.get("missing")).isEmpty();
                assertThat(requestsByName(stat)).containsEntry("web", sent.get("web")).containsEntry("api", sent.get("api"));
                JsonNode web = row(stat, "web");
                assertThat(web.get("success_rate").asDouble()).isEqualTo((double) (WEB_A_OK + WEB_B_OK) / sent.get("web"));
                assertThat(web.get("meshed_pods").asInt()).isEqualTo(2);
                assertThat(get(i, "/api/v1/proxies").get("proxies").findValuesAsText("workload"))
                        .containsExactlyInAnyOrder("web", "web", "api", "bot");
            }
        });
    }

    @Test
    @Order(2)
    void aStoppedExporterIsNamedAsMissingAndItsNodesTrafficIsLeftOut() {
        exporters.get(2).close(); // its pod still Running in the API, as before its kubelet notices
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 0; i < 2; i++) {
                JsonNode stat = get(i, "/api/v1/stat?resource=deploy&namespace=" + NS + "&window=5m");
                assertThat(stat.get("partial").asBoolean()).isTrue();
                assertThat(stat.get("exporters").asInt()).isEqualTo(2);
                assertThat(stat.get("missing")).singleElement().satisfies(m -> {
                    assertThat(m.get("node").asText()).isEqualTo("node-c");
                    assertThat(m.get("exporter").asText()).isEqualTo("meshlens/" + exporterPodByNode.get("node-c"));
                    assertThat(m.get("error").asText()).startsWith(EXPORTER_IPS[2] + ":" + exporters.get(0).port() + ": ");
                });
                assertThat(requestsByName(stat)).containsEntry("web", (long) WEB_A_OK + WEB_A_FAILED + WEB_B_OK).containsEntry("api", 0L);
            }
        });
    }

    @Test
    @Order(3)
    void theExportersFollowAReplacedExporterPodFromUnboundToRunning() throws Exception {
        String old = exporterPodByNode.get("node-c");
        admin.pods().inNamespace("meshlens").withName(old).withGracePeriod(0).delete();
        List<Pod> replacement = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            replacement.clear();
            for (Pod p : admin.pods().inNamespace("meshlens").withLabel("app.kubernetes.io/name", "meshlens-exporter").list().getItems()) {
                if (!p.getMetadata().getName().equals(old) && "node-c".equals(Kubelet.daemonSetNode(p, ""))) {
                    replacement.add(p);
                }
            }
            assertThat(replacement).as("the DaemonSet controller's new pod for node-c").hasSize(1);
        });
        String name = replacement.get(0).getMetadata().getName();
        // not bound yet: node-c runs meshed pods and no exporter pod
        awaitOnlyNodeCMissing("", "no exporter pod (labels {app.kubernetes.io/name=meshlens-exporter} in namespace meshlens)"
                + " on this node, which runs meshed pods");
        kubelet.bind(replacement.get(0), "node-c");
        awaitOnlyNodeCMissing("meshlens/" + name, "exporter pod meshlens/" + name + " is Pending without an IP");

        exporters.set(2, exporter(2, exporters.get(0).port()));
        kubelet.run(replacement.get(0), EXPORTER_IPS[2], "192.0.2.3");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 0; i < NODES.length; i++) {
                JsonNode stat = get(i, "/api/v1/stat?resource=deploy&namespace=" + NS + "&window=5m");
                assertThat(stat.get("partial").asBoolean()).as("%s", stat).isFalse();
                assertThat(stat.get("exporters").asInt()).isEqualTo(3);
            }
        });
    }

    private static void awaitOnlyNodeCMissing(String exporter, String error) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 0; i < 2; i++) {
                JsonNode stat = get(i, "/api/v1/stat?resource=deploy&namespace=" + NS + "&window=5m");
                assertThat(stat.get("exporters").asInt()).isEqualTo(2);
                assertThat(stat.get("missing")).singleElement().satisfies(m -> {
                    assertThat(m.get("node").asText()).isEqualTo("node-c");
                    assertThat(m.get("exporter").asText()).isEqualTo(exporter);
                    assertThat(m.get("error").asText()).isEqualTo(error);
                });
            }
        });
    }

    private static JsonNode row(JsonNode answer, String name) {
        for (JsonNode r : answer.get("rows")) {
            if (name.equals(r.get("name").asText())) {
                return r;
            }
        }
        throw new AssertionError("no row named " + name + " in " + answer);
    }
}
