package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.mixin.testing.Repo;

/**
 * The config maps carry the rendered files byte for byte (dashboards as equivalent compact
 * JSON), each stays small enough for client-side {@code kubectl apply}, and the PrometheusRule
 * holds every rule group.
 */
class KustomizeManifestsTest {
    private final List<RenderedFile> files = MixinRenderer.render(Repo.root());
    private final Load yaml = new Load(LoadSettings.builder().build());

    private RenderedFile file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> doc(String path) {
        return (Map<String, Object>) yaml.loadFromString(file(path).content());
    }

    @Test
    @SuppressWarnings("unchecked")
    void configMapsHoldTheRenderedFiles() {
        Map<String, Object> rules = doc("kustomize/prometheus/rules-configmap.yaml");
        assertThat(rules).containsEntry("kind", "ConfigMap");
        assertThat((Map<String, Object>) rules.get("metadata")).containsEntry("name", "meshlens-prometheus-rules");
        Map<String, String> data = (Map<String, String>) rules.get("data");
        assertThat(data.get("meshlens-rules.yaml")).isEqualTo(file("alerts/meshlens-rules.yaml").content());
        assertThat(data.get("meshlens-alerts.yaml")).isEqualTo(file("alerts/meshlens-alerts.yaml").content());
        Map<String, String> am = (Map<String, String>) doc("kustomize/alertmanager/config-configmap.yaml").get("data");
        assertThat(am.get("alertmanager.yml")).isEqualTo(file("alerts/alertmanager.yml").content());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyDashboardIsInAConfigMapUnderTheApplyLimit() throws Exception {
        ObjectMapper json = new ObjectMapper();
        int dashboards = 0;
        for (RenderedFile f : files) {
            if (f.path().startsWith("kustomize/grafana/dashboards-configmap")) {
                assertThat(f.content().getBytes(StandardCharsets.UTF_8).length).isLessThan(256 * 1024);
                Map<String, String> data = (Map<String, String>) ((Map<String, Object>) yaml.loadFromString(f.content())).get("data");
                for (var e : data.entrySet()) {
                    assertThat(json.readTree(e.getValue())).isEqualTo(json.readTree(file("grafana/dashboards/" + e.getKey()).content()));
                    dashboards++;
                }
            }
        }
        assertThat(dashboards).isEqualTo(files.stream().filter(f -> f.path().startsWith("grafana/dashboards/")).count());
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusRuleHasEveryGroup() {
        Map<String, Object> rule = doc("kustomize/components/prometheus-operator/prometheusrule.yaml");
        assertThat(rule).containsEntry("apiVersion", "monitoring.coreos.com/v1").containsEntry("kind", "PrometheusRule");
        List<Map<String, Object>> groups = (List<Map<String, Object>>) ((Map<String, Object>) rule.get("spec")).get("groups");
        List<Object> expected = new java.util.ArrayList<>();
        for (String p : List.of("alerts/meshlens-rules.yaml", "alerts/meshlens-alerts.yaml")) {
            expected.addAll((List<Object>) doc(p).get("groups"));
        }
        assertThat(groups).isEqualTo(expected);
    }
}
