package io.meshlens.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The rendered manifests ({@code kubectl kustomize}) and the pod templates in them. */
final class Manifests {
    /** Every kustomization a user applies: the base and each overlay. */
    static final List<String> BUNDLES = List.of("kustomize", "kustomize/overlays/demo",
            "kustomize/overlays/exporter-deployment", "kustomize/overlays/prometheus-operator", "kustomize/overlays/rules-only");

    private final List<Map<String, Object>> documents;

    private Manifests(List<Map<String, Object>> documents) {
        this.documents = documents;
    }

    static Path repo() {
        return Paths.get(System.getProperty("meshlens.repo", "..")).toAbsolutePath().normalize();
    }

    /** {@code kubectl kustomize DIR} of the real tree (DIR relative to the repository). */
    static Manifests render(String dir) {
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            Process p = new ProcessBuilder("kubectl", "kustomize", repo().resolve(dir).toString())
                    .redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + dir + " did not finish in 120 s");
            }
            String stderr = Files.readString(err);
            Files.delete(err);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed (" + p.exitValue() + "): " + stderr);
            }
            return parse(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Manifests parse(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
            if (doc instanceof Map<?, ?> m) {
                Map<String, Object> d = (Map<String, Object>) m;
                if ("List".equals(d.get("kind")) && d.get("items") instanceof List<?> items) {
                    items.forEach(i -> docs.add((Map<String, Object>) i));
                } else {
                    docs.add(d);
                }
            }
        }
        return new Manifests(docs);
    }

    /** Every pod template: Deployments, DaemonSets, StatefulSets, Jobs, CronJobs and Pods. */
    List<PodTemplate> podTemplates() {
        List<PodTemplate> out = new ArrayList<>();
        for (Map<String, Object> d : documents) {
            Map<String, Object> spec = Yaml.map(d, "spec");
            Map<String, Object> pod = switch (String.valueOf(d.get("kind"))) {
                case "Pod" -> spec;
                case "CronJob" -> Yaml.map(Yaml.map(Yaml.map(spec, "jobTemplate"), "spec"), "template").isEmpty() ? Map.of()
                        : Yaml.map(Yaml.map(Yaml.map(Yaml.map(spec, "jobTemplate"), "spec"), "template"), "spec");
                default -> Yaml.map(Yaml.map(spec, "template"), "spec");
            };
            if (!pod.isEmpty()) {
                out.add(new PodTemplate(d.get("kind") + "/" + Yaml.map(d, "metadata").get("name"), pod));
            }
        }
        return out;
    }

    /** The pod template of KIND/NAME, or an error listing those that exist. */
    PodTemplate podTemplate(String kindAndName) {
        return podTemplates().stream().filter(t -> t.workload().equals(kindAndName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pod template " + kindAndName + " (expected one of: "
                        + podTemplates().stream().map(PodTemplate::workload).toList() + ")"));
    }
}
