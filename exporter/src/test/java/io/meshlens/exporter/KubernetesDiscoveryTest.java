package io.meshlens.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.meshlens.exporter.testing.Exporters;
import io.meshlens.exporter.testing.FakePod;
import io.meshlens.proxy.PortMapping;
import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.ProxyServer;
import io.meshlens.proxy.RunningProxy;
import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.PromText;

/**
 * The exporter against fabric8's CRUD mock API server (real HTTP, real watches): Deployments,
 * ReplicaSets, a CronJob's Job and Pods with owner references, a Service; real proxies on the
 * pods' IPs carry real traffic. The enriched series name both sides; deleting a pod removes its
 * series; the API server going away leaves the last known state served and /ready saying so.
 */
class KubernetesDiscoveryTest {
    private static final String NS = "emojivoto";
    private KubernetesMockServer server;
    private KubernetesClient client;
    private FakePod bot;
    private Backend webApp;
    private RunningProxy webProxy;
    private RunningExporter exporter;

    @BeforeEach
    void start() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getByName("127.0.1.200"), 0);
        client = server.createClient();

        // web: one pod on 127.0.1.61, also reachable on the Service's cluster IP 127.0.1.160
        webApp = new Backend("127.0.1.61");
        webProxy = ProxyServer.start(ProxyConfig.builder()
                .inbound(new PortMapping(new InetSocketAddress("127.0.1.61", 0), webApp.address()),
                         new PortMapping(new InetSocketAddress("127.0.1.160", 0), webApp.address()))
                .outbound(null).admin(new InetSocketAddress("127.0.1.61", 0)).ioThreads(1).build());
        bot = FakePod.start("127.0.1.63", Map.of(
                "web", new InetSocketAddress("127.0.1.61", webProxy.inboundPorts().get(0)),
                "web-svc", new InetSocketAddress("127.0.1.160", webProxy.inboundPorts().get(1))));

        Deployment webDeploy = create(new DeploymentBuilder().withNewMetadata().withName("web").withNamespace(NS)
                .addToAnnotations("meshlens.io/slo-availability", "99.5").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec().build());
        ReplicaSet webRs = create(new ReplicaSetBuilder().withNewMetadata().withName("web-6b7c9").withNamespace(NS)
                .withOwnerReferences(owner(webDeploy)).endMetadata().build());
        Deployment botDeploy = create(new DeploymentBuilder().withNewMetadata().withName("vote-bot").withNamespace(NS).endMetadata().build());
        ReplicaSet botRs = create(new ReplicaSetBuilder().withNewMetadata().withName("vote-bot-77d4").withNamespace(NS)
                .withOwnerReferences(owner(botDeploy)).endMetadata().build());
        CronJob cron = create(new CronJobBuilder().withNewMetadata().withName("report").withNamespace(NS).endMetadata()
                .withNewSpec().withSchedule("*/5 * * * *").endSpec().build());
        Job job = create(new JobBuilder().withNewMetadata().withName("report-2891").withNamespace(NS)
                .withOwnerReferences(owner(cron)).endMetadata().build());

        pod("web-6b7c9-x1", "127.0.1.61", webProxy.adminPort(), owner(webRs), "Running", null, Map.of("app", "web"));
        pod("web-6b7c9-old", null, 4191, owner(webRs), "Failed", "Evicted", Map.of("app", "web"));
        pod("vote-bot-77d4-a", "127.0.1.63", bot.adminPort(), owner(botRs), "Running", null, Map.of("app", "vote-bot"));
        pod("report-2891-q", "127.0.1.65", 4191, owner(job), "Succeeded", null, Map.of());
        create(new ServiceBuilder().withNewMetadata().withName("web-svc").withNamespace(NS).endMetadata()
                .withNewSpec().withClusterIP("127.0.1.160").addToSelector("app", "web").endSpec().build());

        exporter = ExporterServer.start(Exporters.config().kubernetesClient(client).build());
        await().atMost(Exporters.PATIENCE).until(exporter::isReady);

        HttpClient viaBot = HttpClient.newBuilder().proxy(java.net.ProxySelector.of(bot.outbound())).build();
        for (int i = 0; i < 12; i++) {
            viaBot.send(HttpRequest.newBuilder(URI.create("http://web/ok")).build(), HttpResponse.BodyHandlers.discarding());
            viaBot.send(HttpRequest.newBuilder(URI.create("http://web-svc/ok")).build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> T create(T obj) {
        return (T) client.resource(obj).create();
    }

    private static OwnerReference owner(HasMetadata o) {
        return new OwnerReferenceBuilder().withApiVersion(o.getApiVersion()).withKind(o.getKind())
                .withName(o.getMetadata().getName()).withUid(o.getMetadata().getUid()).withController(true).build();
    }

    private void pod(String name, String ip, int adminPort, OwnerReference owner, String phase, String reason,
                     Map<String, String> labels) {
        Map<String, String> l = new HashMap<>(labels);
        l.put("meshlens.io/meshed", "true");
        Pod p = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).withLabels(l)
                .addToAnnotations("meshlens.io/admin-port", Integer.toString(adminPort))
                .addToAnnotations("meshlens.io/proxy-version", "0.1.0")
                .withOwnerReferences(owner).endMetadata()
                .withNewSpec().withNodeName("node-a").endSpec()
                .withNewStatus().withPhase(phase).withReason(reason).withPodIP(ip)
                .addNewCondition().withType("Ready").withStatus("Running".equals(phase) ? "True" : "False").endCondition()
                .endStatus().build();
        client.resource(p).create();
        client.pods().inNamespace(NS).withName(name).editStatus(x -> new PodBuilder(x).editOrNewStatus().withPhase(phase)
                .withReason(reason).withPodIP(ip).endStatus().build());
    }

    @AfterEach
    void stop() {
        if (exporter != null) {
            exporter.close();
        }
        bot.close();
        webProxy.close();
        webApp.close();
        client.close();
        server.destroy();
    }

    @Test
    void seriesCarryOwnersOfBothSidesAndAPodsSeriesGoWithIt() throws Exception {
        Map<String, String> webInbound = Map.of("direction", "inbound", "namespace", NS, "workload_kind", "deployment",
                "workload", "web", "src_kind", "deployment", "src_workload", "vote-bot", "src_namespace", NS);
        await().atMost(Exporters.PATIENCE).untilAsserted(() -> {
            PromText m = Exporters.scrape(exporter);
            assertThat(m.sum("meshlens_responses_total", webInbound)).isEqualTo(24);
            // through the pod IP and through the Service's cluster IP: both name deployment/web
            assertThat(m.sum("meshlens_responses_total", Map.of("direction", "outbound", "workload", "vote-bot",
                    "dst_kind", "deployment", "dst_workload", "web", "authority", "web:80"))).isEqualTo(12);
            assertThat(m.sum("meshlens_responses_total", Map.of("direction", "outbound", "workload", "vote-bot",
                    "dst_kind", "deployment", "dst_workload", "web", "authority", "web-svc:80")))
                    .as(m.named("meshlens_responses_total").stream().filter(s -> "web-svc:80".equals(s.labels().get("authority"))).toList().toString())
                    .isEqualTo(12);
        });
        await().atMost(Exporters.PATIENCE).untilAsserted(() -> {
            PromText m = Exporters.scrape(exporter);
            assertThat(m.sum("meshlens_slo_objective", Map.of("workload", "web", "sli", "availability"))).isEqualTo(0.995);
            assertThat(m.sum("meshlens_exporter_informer_events_total", Map.of("resource", "pods", "event", "add")))
                    .isGreaterThanOrEqualTo(4);
            assertThat(m.named("meshlens_exporter_target_up")).hasSize(2); // the evicted and the completed pod are not scraped
        });

        // evicted and completed pods are listed, flagged, and never break anything
        var proxies = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Exporters.get(exporter, "/api/v1/proxies").body())
                .get("proxies");
        assertThat(proxies).hasSize(4);
        assertThat(proxies.findValuesAsText("phase")).contains("Failed (Evicted)", "Succeeded", "Running");
        assertThat(proxies.findValuesAsText("workload")).contains("report", "web", "vote-bot");

        client.pods().inNamespace(NS).withName("vote-bot-77d4-a").delete();
        await().atMost(Exporters.PATIENCE).untilAsserted(() -> {
            PromText after = Exporters.scrape(exporter);
            assertThat(after.samples()).noneMatch(s -> "vote-bot-77d4-a".equals(s.labels().get("pod")));
            assertThat(after.named("meshlens_exporter_target_up")).hasSize(1);
        });
    }

    @Test
    void theApiServerGoingAwayKeepsTheLastStateAndReadySaysSo() throws Exception {
        await().atMost(Exporters.PATIENCE).until(() ->
                Exporters.scrape(exporter).sum("meshlens_responses_total", Map.of("workload", "web", "direction", "inbound")) == 24);
        server.destroy();
        await().atMost(Exporters.PATIENCE).untilAsserted(() -> {
            HttpResponse<String> ready = Exporters.get(exporter, "/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("Kubernetes API unreachable");
        });
        assertThat(exporter.isReady()).isFalse();
        // the proxies are still scraped with the identity known before the outage
        await().atMost(Exporters.PATIENCE).untilAsserted(() -> {
            PromText m = Exporters.scrape(exporter);
            assertThat(m.sum("meshlens_responses_total", Map.of("workload", "web", "direction", "inbound",
                    "src_workload", "vote-bot"))).isEqualTo(24);
            assertThat(m.sum("meshlens_exporter_target_up", Map.of("workload", "web"))).isEqualTo(1);
        });
    }

}
