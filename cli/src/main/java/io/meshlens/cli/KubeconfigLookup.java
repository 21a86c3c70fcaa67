package io.meshlens.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the Kubernetes client would find its configuration, checked before it tries (and fails
 * with an {@code UnknownHostException} for {@code kubernetes.default.svc}): a kubeconfig file
 * ({@code kubeconfig} system property, {@code KUBECONFIG}, else {@code ~/.kube/config}), or the
 * service account of a pod.
 */
final class KubeconfigLookup {
    static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private KubeconfigLookup() {}

    /** Why no configuration can be found, or empty when there is one. */
    static Optional<String> missing() {
        String configured = System.getProperty("kubeconfig", System.getenv("KUBECONFIG"));
        List<String> files = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            for (String f : configured.split(File.pathSeparator)) {
                if (!f.isBlank()) {
                    files.add(f);
                }
            }
        } else {
            files.add(Path.of(System.getProperty("user.home"), ".kube", "config").toString());
        }
        if (files.stream().anyMatch(f -> Files.isRegularFile(Path.of(f)))) {
            return Optional.empty();
        }
        if (System.getenv("KUBERNETES_SERVICE_HOST") != null && Files.isRegularFile(Path.of(SERVICE_ACCOUNT_TOKEN))) {
            return Optional.empty();
        }
        return Optional.of("no kubeconfig found (looked for " + String.join(", ", files)
                + ") and in-cluster config was tried (not in a pod: no KUBERNETES_SERVICE_HOST or " + SERVICE_ACCOUNT_TOKEN + ")\n"
                + "hint: set KUBECONFIG or pass --context for a cluster; for the local demo run: meshlens check --proxy");
    }
}
