package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.MountableFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.mixin.testing.Dashboards;
import io.meshlens.mixin.testing.Docker;
import io.meshlens.mixin.testing.Repo;

/**
 * The rendered provisioning loads into a real Grafana: the file provider finds every dashboard,
 * each imports with all its panels, into the meshlens folder. Skipped where there is no Docker.
 */
@EnabledIf(value = "io.meshlens.mixin.testing.Docker#available", disabledReason = Docker.NEEDED)
@Testcontainers
class GrafanaProvisioningIT {
    private static final Path ROOT = Repo.root();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Container
    @SuppressWarnings("resource")
    static final GenericContainer<?> GRAFANA = new GenericContainer<>("grafana/grafana:12.3.0")
            .withExposedPorts(3000)
            .withCopyFileToContainer(MountableFile.forHostPath(ROOT.resolve("grafana/provisioning/datasources/meshlens.yaml")),
                    "/etc/grafana/provisioning/datasources/meshlens.yaml")
            .withCopyFileToContainer(MountableFile.forHostPath(ROOT.resolve("grafana/provisioning/dashboards/meshlens.yaml")),
                    "/etc/grafana/provisioning/dashboards/meshlens.yaml")
            .withCopyFileToContainer(MountableFile.forHostPath(ROOT.resolve("grafana/dashboards")), "/var/lib/meshlens/dashboards")
            .waitingFor(Wait.forHttp("/api/health").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)));

    private static JsonNode api(String path) throws Exception {
        String auth = Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + GRAFANA.getHost() + ":" + GRAFANA.getMappedPort(3000) + path))
                .header("Authorization", "Basic " + auth).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void everyDashboardImportsWithItsPanels() throws Exception {
        List<JsonNode> rendered = Dashboards.load(ROOT);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(api("/api/search?type=dash-db&tag=meshlens").size()).isEqualTo(rendered.size()));
        Set<String> folders = new HashSet<>();
        for (JsonNode d : rendered) {
            JsonNode loaded = api("/api/dashboards/uid/" + d.path("uid").asText());
            assertThat(loaded.path("dashboard").path("title").asText()).isEqualTo(d.path("title").asText());
            assertThat(Dashboards.panels(loaded.path("dashboard"))).hasSameSizeAs(Dashboards.panels(d));
            assertThat(loaded.path("meta").path("provisioned").asBoolean()).isTrue();
            folders.add(loaded.path("meta").path("folderTitle").asText());
        }
        assertThat(folders).containsExactly("meshlens");
        assertThat(api("/api/datasources/uid/prometheus").path("type").asText()).isEqualTo("prometheus");
    }
}
