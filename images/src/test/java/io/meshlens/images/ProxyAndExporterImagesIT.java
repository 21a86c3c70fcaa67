package io.meshlens.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.meshlens.proxy.testing.PromText;

/**
 * The proxy image as the demo overlay runs it (the sidecar {@code meshlens inject} writes) and the
 * exporter image as the base bundle runs it, each with its manifest's user, read-only root,
 * capabilities and memory limit: the proxy maps the image's class-data archive, forwards and
 * counts, the exporter finds it up and enriches its series, and SIGTERM drains the proxy to a
 * clean exit.
 */
@ExtendWith(PodmanImages.class)
class ProxyAndExporterImagesIT {
    /** This test's loopback address (host networking: every port is chosen by the kernel). */
    private static final String HOST = "127.0.213.1";
    private static final Pattern PROXY_READY = Pattern.compile("inbound=\\[(\\d+)\\] outbound=-1 admin=(\\d+)");
    private static final Pattern EXPORTER_READY = Pattern.compile("listening on \\S*:(\\d+)");
    private static final String POD = "web-7d9c8b5f4-x1x2x";
    /** The proxy's class-data archive, shared by every proxy of the node (scripts/proxy-archive.sh). */
    private static final String ARCHIVE = "/app/meshlens-proxy.jsa";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void proxyForwardsAndCountsExporterEnrichesAndSigtermDrains(Podman podman, @TempDir Path tmp) throws Exception {
        AtomicInteger hanging = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer app = HttpServer.create(new InetSocketAddress(HOST, 0), 16);
        app.createContext("/", ex -> {
            if (ex.getRequestURI().getPath().equals("/hang")) {
                hanging.incrementAndGet();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        app.start();
        try {
            ContainerSettings proxy = Manifests.render("kustomize/overlays/demo").podTemplate("Deployment/web")
                    .container("meshlens-proxy");
            assertThat(proxy.image()).isEqualTo(PodmanImages.image("proxy"));
            Map<String, String> env = proxy.env();
            env.put("MESHLENS_INBOUND", HOST + ":0=" + HOST + ":" + app.getAddress().getPort());
            env.put("MESHLENS_OUTBOUND", "");
            env.put("MESHLENS_ADMIN", HOST + ":0");
            // No iptables in this network namespace: interception is proven by ProxyInitImageIT.
            env.put("MESHLENS_TRANSPARENT", "false");
            env.put("MESHLENS_NAMESPACE", "emojivoto"); // downward API
            env.put("MESHLENS_POD", POD);
            // The JVM refuses to start unless it maps the image's class-data archive: JDK 17 rejects
            // one dumped by another JVM build, or for other jars, jar sizes or modification times.
            env.put("JAVA_TOOL_OPTIONS", env.get("JAVA_TOOL_OPTIONS") + " -Xshare:on");
            List<String> options = new ArrayList<>(List.of("--network", "host"));
            options.addAll(proxy.podmanOptions(env));
            Podman.Container container = podman.runDetached(options, proxy.image(), proxy.args());

            Matcher ready = awaitLog(container, PROXY_READY);
            int inbound = Integer.parseInt(ready.group(1));
            int admin = Integer.parseInt(ready.group(2));
            assertThat(get(admin, "/ready").statusCode()).isEqualTo(200);
            assertRunsAs(container, proxy, 2102);
            assertThat(ContainerProcess.mappedFiles(container)).as("files the proxy maps").contains(ARCHIVE);

            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = get(inbound, "/api/list");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("ok");
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(PromText.parse(get(admin, "/metrics").body())
                    .sum("meshlens_requests_total", Map.of("direction", "inbound"))).isEqualTo(3));

            exporterFindsAndEnriches(podman, tmp, admin);

            CompletableFuture<HttpResponse<String>> inflight = http.sendAsync(HttpRequest.newBuilder(
                    URI.create("http://" + HOST + ":" + inbound + "/hang")).build(), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(30)).until(() -> hanging.get() == 1);
            container.signal("TERM");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(admin, "/ready").statusCode()).isEqualTo(503));
            assertThat(container.running()).as("still draining the request in flight").isTrue();
            release.countDown();
            HttpResponse<String> drained = inflight.get(30, TimeUnit.SECONDS);
            assertThat(drained.statusCode()).isEqualTo(200);
            assertThat(drained.body()).isEqualTo("ok");
            assertThat(container.await(60)).as("exit code after SIGTERM").isZero();
            assertThat(container.logs()).contains("meshlens-proxy: drained, exiting");
        } finally {
            release.countDown();
            app.stop(0);
        }
    }

    private void exporterFindsAndEnriches(Podman podman, Path tmp, int proxyAdmin) throws Exception {
        ContainerSettings exporter = Manifests.render("kustomize").podTemplate("DaemonSet/meshlens-exporter").container("exporter");
        assertThat(exporter.image()).isEqualTo(PodmanImages.image("exporter"));
        Path inventory = tmp.resolve("inventory.yaml");
        Files.writeString(inventory, """
                pods:
                  - namespace: emojivoto
                    name: %s
                    ip: %s
                    node: node-1
                    meshed: true
                    adminPort: %d
                    labels: {app: web}
                    annotations: {meshlens.io/proxy-version: "%s"}
                    owners:
                      - {kind: ReplicaSet, name: web-7d9c8b5f4}
                      - {kind: Deployment, name: web}
                """.formatted(POD, HOST, proxyAdmin, PodmanImages.version()));
        // The exporter runs as 65532: the mounted file must be readable by others, as a ConfigMap's is.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(inventory, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, String> env = exporter.env();
        env.put("MESHLENS_EXPORTER_LISTEN", HOST + ":0");
        env.put("MESHLENS_EXPORTER_NODE_NAME", "node-1"); // downward API
        env.put("MESHLENS_EXPORTER_TAP_TOKEN", "image-test-token"); // the Secret
        env.put("MESHLENS_EXPORTER_INVENTORY", "/etc/meshlens/inventory.yaml");
        env.put("MESHLENS_EXPORTER_SCRAPE_INTERVAL", "1s");
        env.put("MESHLENS_EXPORTER_SCRAPE_TIMEOUT", "1s");
        List<String> options = new ArrayList<>(List.of("--network", "host",
                "--volume", inventory + ":/etc/meshlens/inventory.yaml:ro"));
        options.addAll(exporter.podmanOptions(env));
        Podman.Container container = podman.runDetached(options, exporter.image(), exporter.args());

        int port = Integer.parseInt(awaitLog(container, EXPORTER_READY).group(1));
        assertRunsAs(container, exporter, 65532);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(get(port, "/ready").statusCode()).isEqualTo(200));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode proxies = new ObjectMapper().readTree(get(port, "/api/v1/proxies").body()).get("proxies");
            assertThat(proxies).hasSize(1);
            assertThat(proxies.get(0).get("pod").asText()).isEqualTo(POD);
            assertThat(proxies.get(0).get("workload").asText()).isEqualTo("web");
            assertThat(proxies.get(0).get("up").asBoolean()).isTrue();
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(PromText.parse(get(port, "/metrics").body())
                .sum("meshlens_requests_total", Map.of("namespace", "emojivoto", "pod", POD, "workload_kind", "deployment",
                        "workload", "web", "direction", "inbound"))).isEqualTo(3));
    }

    /** The kernel's view: the manifest's uid, and no capabilities at all. */
    static void assertRunsAs(Podman.Container container, ContainerSettings settings, long uid) {
        ContainerProcess p = ContainerProcess.of(container);
        assertThat(settings.runAsNonRoot()).as(settings.name + " runAsNonRoot").isTrue();
        assertThat(p.uid()).as(settings.name + " uid").isEqualTo(uid);
        assertThat(p.effectiveCapabilities()).as(settings.name + " effective capabilities").isZero();
        assertThat(container.inspect("{{.HostConfig.ReadonlyRootfs}}")).as(settings.name + " read-only root").isEqualTo("true");
        assertThat(Long.parseLong(container.inspect("{{.HostConfig.Memory}}"))).as(settings.name + " memory limit")
                .isEqualTo(settings.memoryLimit());
    }

    static Matcher awaitLog(Podman.Container container, Pattern pattern) {
        Matcher[] found = new Matcher[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(container.running()).as("container running; logs:%n%s", container.logs()).isTrue();
            Matcher m = pattern.matcher(container.logs());
            if (m.find()) {
                found[0] = m;
                return true;
            }
            return false;
        });
        return found[0];
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
