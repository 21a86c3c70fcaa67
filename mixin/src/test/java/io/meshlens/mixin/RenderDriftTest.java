package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.meshlens.mixin.testing.Repo;

/**
 * The committed rendered files are exactly what jsonnet/ renders to today: a change to the mixin
 * without {@code scripts/render-mixin.sh} (or a hand edit of a rendered file) fails here.
 */
class RenderDriftTest {
    private final Path root = Repo.root();

    @Test
    void committedFilesMatchAFreshRender() throws Exception {
        List<RenderedFile> rendered = MixinRenderer.render(root);
        List<String> drifted = new ArrayList<>();
        for (RenderedFile f : rendered) {
            Path p = root.resolve(f.path());
            if (!Files.exists(p) || !Files.readString(p, StandardCharsets.UTF_8).equals(f.content())) {
                drifted.add(f.path());
            }
        }
        assertThat(drifted).as("rendered files that differ from jsonnet/ (run scripts/render-mixin.sh)").isEmpty();
        assertThat(MixinRenderer.staleFiles(root, rendered)).as("files no render produces any more").isEmpty();
    }

    @Test
    void everyFileTheArchitectureListsIsRendered() {
        List<String> paths = MixinRenderer.render(root).stream().map(RenderedFile::path).toList();
        assertThat(paths).contains(
                "grafana/provisioning/datasources/meshlens.yaml",
                "grafana/provisioning/dashboards/meshlens.yaml",
                "alerts/meshlens-rules.yaml", "alerts/meshlens-alerts.yaml", "alerts/alertmanager.yml",
                "kustomize/prometheus/rules-configmap.yaml", "kustomize/alertmanager/config-configmap.yaml",
                "kustomize/grafana/provisioning-configmap.yaml", "kustomize/grafana/dashboards-configmap.yaml",
                "kustomize/components/prometheus-operator/prometheusrule.yaml");
        assertThat(paths.stream().filter(p -> p.startsWith("grafana/dashboards/"))).containsExactlyInAnyOrder(
                "grafana/dashboards/meshlens-top-line.json", "grafana/dashboards/meshlens-namespace.json",
                "grafana/dashboards/meshlens-workload.json", "grafana/dashboards/meshlens-pod.json",
                "grafana/dashboards/meshlens-route.json", "grafana/dashboards/meshlens-authority.json",
                "grafana/dashboards/meshlens-proxy-health.json", "grafana/dashboards/meshlens-slo.json");
    }

    @Test
    void aRenderIsDeterministic() {
        assertThat(MixinRenderer.render(root)).isEqualTo(MixinRenderer.render(root));
    }
}
