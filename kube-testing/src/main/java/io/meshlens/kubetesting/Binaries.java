package io.meshlens.kubetesting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * Where the control plane's executables are: {@code $MESHLENS_KUBE_BIN}, then this checkout's
 * {@code .tools/bin} (built by {@code bash scripts/tools.sh kubernetes}), then {@code PATH}.
 * Missing binaries skip the tests on a developer machine, but fail them in CI ({@code CI=true}),
 * where {@code scripts/setup.sh} builds them and a skip would hide a broken setup.
 */
public record Binaries(Path etcd, Path apiServer, Path controllerManager, Path kubectl) {
    // etcd: the build of tools/kubernetes (3.7) first; Debian's etcd-server 3.4.23 on PATH also serves 1.37.
    static final String HINT = "build them once per machine: bash scripts/tools.sh kubernetes (about 30-60 min on 2 cores)";

    /**
     * The binaries, or a skipped (CI: failed) test naming what is missing.
     *
     * @param controllers whether kube-controller-manager is needed too
     */
    public static Binaries require(boolean controllers) {
        List<String> missing = new ArrayList<>();
        Path apiServer = find("kube-apiserver", missing);
        Path controllerManager = controllers ? find("kube-controller-manager", missing) : null;
        Path etcd = find("etcd", missing);
        Path kubectl = find("kubectl", missing);
        if (!missing.isEmpty()) {
            String msg = "no " + String.join(", ", missing) + " in $MESHLENS_KUBE_BIN, " + toolsBin().map(Path::toString)
                    .orElse(".tools/bin") + " or PATH (expected: the Kubernetes control plane of tools/kubernetes). Hint: " + HINT;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(msg + " (CI=true: a missing control plane fails the build)");
            }
            Assumptions.abort(msg);
        }
        return new Binaries(etcd, apiServer, controllerManager, kubectl);
    }

    /**
     * The folder of prometheus-operator's CRDs ({@code tools/prometheus-operator-crds.sh}), or a
     * skipped (CI: failed) test.
     */
    public static Path prometheusOperatorCrds() {
        List<String> missing = new ArrayList<>();
        Path cmd = find("prometheus-operator-crds", missing);
        if (cmd != null) {
            try {
                Path dir = cmd.toRealPath().getParent().resolve("crds");
                if (Files.isDirectory(dir)) {
                    return dir;
                }
            } catch (java.io.IOException e) {
                // reported as missing below
            }
        }
        String msg = "no prometheus-operator CRDs (expected: .tools/bin/prometheus-operator-crds next to a crds/ folder)."
                + " Hint: bash scripts/tools.sh prometheus-operator-crds";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(msg);
        }
        Assumptions.abort(msg);
        return null;
    }

    private static Path find(String name, List<String> missing) {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv("MESHLENS_KUBE_BIN");
        if (env != null && !env.isBlank()) {
            dirs.add(Path.of(env));
        }
        toolsBin().ifPresent(dirs::add);
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!d.isEmpty()) {
                dirs.add(Path.of(d));
            }
        }
        for (Path d : dirs) {
            Path p = d.resolve(name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        missing.add(name);
        return null;
    }

    /** {@code .tools/bin} of the checkout the tests run in (Maven runs them in a module folder). */
    static Optional<Path> toolsBin() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path bin = d.resolve(".tools/bin");
            if (Files.isDirectory(bin) && Files.isRegularFile(d.resolve("scripts/tools.sh"))) {
                return Optional.of(bin);
            }
        }
        return Optional.empty();
    }
}
