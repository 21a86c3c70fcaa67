package io.meshlens.mixin;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * Renders the monitoring mixin ({@code jsonnet/render/render.jsonnet}, which names every output file)
 * into Grafana dashboards and provisioning, Prometheus rules, the Alertmanager example and the
 * kustomize config maps. {@code .json} files are written as indented JSON, {@code .yaml}/{@code .yml}
 * files as block YAML with a "generated" header.
 *
 * <pre>java io.meshlens.mixin.MixinRenderer REPO_ROOT   (scripts/render-mixin.sh)</pre>
 */
public final class MixinRenderer {
    static final String YAML_HEADER = "# Generated from jsonnet/ by scripts/render-mixin.sh: do not edit by hand.\n";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private MixinRenderer() {}

    /** Every file the mixin renders, in a stable order. */
    public static List<RenderedFile> render(Path root) {
        requireNonNull(root, "root");
        Path jsonnet = root.resolve("jsonnet");
        JsonNode outputs;
        try {
            outputs = JSON.readTree(JsonnetEvaluator.evaluate(jsonnet.resolve("render/render.jsonnet"), jsonnet));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("render.jsonnet did not produce JSON", e);
        }
        Map<String, RenderedFile> files = new LinkedHashMap<>();
        outputs.fields().forEachRemaining(f -> files.put(f.getKey(), toFile(f.getKey(), f.getValue())));
        List<Object> ruleGroups = new ArrayList<>();
        for (String p : List.of("alerts/meshlens-rules.yaml", "alerts/meshlens-alerts.yaml")) {
            ruleGroups.addAll(JSON.convertValue(outputs.path(p).path("groups"), List.class));
        }
        List<RenderedFile> all = new ArrayList<>(files.values());
        all.addAll(KustomizeManifests.render(files, ruleGroups));
        return all;
    }

    private static RenderedFile toFile(String path, JsonNode value) {
        try {
            if (path.endsWith(".json")) {
                return new RenderedFile(path, PRETTY.writeValueAsString(value) + "\n");
            }
            if (path.endsWith(".yaml") || path.endsWith(".yml")) {
                return new RenderedFile(path, YAML_HEADER + YamlWriter.write(JSON.convertValue(value, Object.class)));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(path, e);
        }
        throw new IllegalArgumentException("path: " + path + " (expected: .json, .yaml or .yml)");
    }

    /**
     * Files under the rendered folders that no longer come out of a render (a dashboard that was
     * renamed, a config map no longer needed): stale, so the renderer deletes them and the drift
     * test reports them.
     */
    public static List<Path> staleFiles(Path root, List<RenderedFile> rendered) {
        List<Path> stale = new ArrayList<>();
        List<Path> expected = rendered.stream().map(f -> root.resolve(f.path()).normalize()).toList();
        for (String glob : List.of("grafana/dashboards", "kustomize/grafana")) {
            Path dir = root.resolve(glob);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                s.map(Path::normalize)
                        .filter(p -> glob.startsWith("grafana") ? p.toString().endsWith(".json")
                                : p.getFileName().toString().startsWith("dashboards-configmap"))
                        .filter(p -> !expected.contains(p))
                        .forEach(stale::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return stale;
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        long start = System.nanoTime();
        List<RenderedFile> files = render(root);
        int changed = 0;
        for (RenderedFile f : files) {
            Path p = root.resolve(f.path());
            Files.createDirectories(p.getParent());
            if (!Files.exists(p) || !Files.readString(p, StandardCharsets.UTF_8).equals(f.content())) {
                Files.writeString(p, f.content(), StandardCharsets.UTF_8);
                changed++;
            }
        }
        for (Path p : staleFiles(root, files)) {
            Files.delete(p);
            System.out.println("removed stale " + root.relativize(p));
        }
        System.out.printf("rendered %d files (%d changed) into %s in %d ms%n", files.size(), changed, root,
                (System.nanoTime() - start) / 1_000_000);
    }
}
