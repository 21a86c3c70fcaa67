package io.meshlens.install.kustomize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A copy of {@code kustomize/} that renders even before the mixin has written its config maps:
 * references to rendered files that do not exist yet are dropped from the copy (and listed in
 * {@link #missing()}), so the bundle is tested with what exists. The real tree is never touched.
 */
final class KustomizeTree {
    /** Files the mixin renders into kustomize/ (docs/architecture.md), and who lists them. */
    static final List<String[]> RENDERED = List.of(
            new String[] {"prometheus/rules-configmap.yaml", "prometheus/kustomization.yaml", "  - rules-configmap.yaml"},
            new String[] {"alertmanager/config-configmap.yaml", "alertmanager/kustomization.yaml", "  - config-configmap.yaml"},
            new String[] {"grafana/provisioning-configmap.yaml", "grafana/kustomization.yaml", "  - provisioning-configmap.yaml"},
            new String[] {"grafana/dashboards-configmap.yaml", "grafana/kustomization.yaml", "  - dashboards-configmap.yaml"},
            new String[] {"components/prometheus-operator/kustomization.yaml", "overlays/prometheus-operator/kustomization.yaml",
                "  - ../../components/prometheus-operator"});

    final Path source;
    final Path root;
    private final List<String> missing = new ArrayList<>();

    KustomizeTree(Path tmp) {
        source = repo().resolve("kustomize");
        root = tmp.resolve("kustomize");
        try {
            copy(source, root);
            for (String[] r : RENDERED) {
                if (!Files.exists(source.resolve(r[0]))) {
                    missing.add(r[0]);
                    Path k = root.resolve(r[1]);
                    List<String> lines = new ArrayList<>(Files.readAllLines(k, StandardCharsets.UTF_8));
                    lines.removeIf(l -> l.equals(r[2]));
                    Files.write(k, lines, StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path repo() {
        return Paths.get(System.getProperty("meshlens.repo", "..")).toAbsolutePath().normalize();
    }

    List<String> missing() {
        return missing;
    }

    boolean has(String rendered) {
        return !missing.contains(rendered);
    }

    /** {@code kubectl kustomize DIR}: the rendered YAML, or an assertion error with kubectl's stderr. */
    String render(String dir) {
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            Process p = new ProcessBuilder("kubectl", "kustomize", root.resolve(dir).toString())
                    .redirectError(err.toFile())
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + dir + " did not finish in 60 s");
            }
            String stderr = Files.readString(err);
            Files.delete(err);
            if (p.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + dir + " failed (" + p.exitValue() + "): " + stderr);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
    }
}
