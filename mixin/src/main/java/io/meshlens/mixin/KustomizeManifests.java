package io.meshlens.mixin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Kubernetes manifests that carry rendered files into kustomize, which cannot read files
 * outside its folder: config maps for Prometheus rules, Alertmanager's config, Grafana's
 * dashboard provider and the dashboards, plus a {@code PrometheusRule} for prometheus-operator
 * users. Dashboards are packed into as many config maps as needed to keep each one under
 * {@link #CONFIG_MAP_BUDGET} bytes, because client-side {@code kubectl apply} stores the whole
 * object in a 256 KiB annotation.
 */
final class KustomizeManifests {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int CONFIG_MAP_BUDGET = 200 * 1024;
    static final String NAMESPACE = "meshlens";

    private KustomizeManifests() {}

    /**
     * @param files the rendered grafana/ and alerts/ files, by path
     * @param ruleGroups the recording and alerting rule groups, as plain objects, for the PrometheusRule
     */
    static List<RenderedFile> render(Map<String, RenderedFile> files, List<Object> ruleGroups) {
        List<RenderedFile> out = new ArrayList<>();
        out.add(configMap("kustomize/prometheus/rules-configmap.yaml", "meshlens-prometheus-rules", "prometheus",
                data(files, "alerts/meshlens-rules.yaml", "alerts/meshlens-alerts.yaml")));
        out.add(configMap("kustomize/alertmanager/config-configmap.yaml", "meshlens-alertmanager-config", "alertmanager",
                data(files, "alerts/alertmanager.yml")));
        out.add(configMap("kustomize/grafana/provisioning-configmap.yaml", "meshlens-grafana-dashboard-providers", "grafana",
                data(files, "grafana/provisioning/dashboards/meshlens.yaml")));
        out.addAll(dashboardConfigMaps(files));
        out.add(prometheusRule(ruleGroups));
        return out;
    }

    private static List<RenderedFile> dashboardConfigMaps(Map<String, RenderedFile> files) {
        List<Map<String, String>> packs = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        int size = 0;
        for (RenderedFile f : files.values()) {
            if (!f.path().startsWith("grafana/dashboards/")) {
                continue;
            }
            // compact JSON: the config map then holds every dashboard within one object
            String json = compact(f.content());
            int bytes = json.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > CONFIG_MAP_BUDGET) {
                throw new IllegalStateException(f.path() + ": " + bytes + " bytes (expected: <= " + CONFIG_MAP_BUDGET + ")");
            }
            if (size + bytes > CONFIG_MAP_BUDGET) {
                packs.add(current);
                current = new LinkedHashMap<>();
                size = 0;
            }
            current.put(fileName(f.path()), json);
            size += bytes;
        }
        packs.add(current);
        List<RenderedFile> out = new ArrayList<>();
        for (int i = 0; i < packs.size(); i++) {
            // the first keeps the plain name the Grafana deployment mounts; more are numbered
            String suffix = i == 0 ? "" : "-" + (i + 1);
            out.add(configMap("kustomize/grafana/dashboards-configmap" + suffix + ".yaml",
                    "meshlens-grafana-dashboards" + suffix, "grafana", packs.get(i)));
        }
        return out;
    }

    private static RenderedFile prometheusRule(List<Object> ruleGroups) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "monitoring.coreos.com/v1");
        doc.put("kind", "PrometheusRule");
        doc.put("metadata", metadata("meshlens", "prometheus"));
        doc.put("spec", Map.of("groups", ruleGroups));
        return new RenderedFile("kustomize/components/prometheus-operator/prometheusrule.yaml",
                MixinRenderer.YAML_HEADER + YamlWriter.write(doc));
    }

    private static Map<String, String> data(Map<String, RenderedFile> files, String... paths) {
        Map<String, String> data = new LinkedHashMap<>();
        for (String p : paths) {
            RenderedFile f = files.get(p);
            if (f == null) {
                throw new IllegalStateException("not rendered: " + p);
            }
            data.put(fileName(p), f.content());
        }
        return data;
    }

    private static RenderedFile configMap(String path, String name, String component, Map<String, String> data) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "v1");
        doc.put("kind", "ConfigMap");
        doc.put("metadata", metadata(name, component));
        doc.put("data", data);
        return new RenderedFile(path, MixinRenderer.YAML_HEADER + YamlWriter.write(doc));
    }

    private static Map<String, Object> metadata(String name, String component) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "meshlens-" + component);
        labels.put("app.kubernetes.io/component", component);
        labels.put("app.kubernetes.io/part-of", "meshlens");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("namespace", NAMESPACE);
        m.put("labels", labels);
        return m;
    }

    private static String compact(String json) {
        try {
            return JSON.writeValueAsString(JSON.readTree(json)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON", e);
        }
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
