package io.meshlens.install.check;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.meshlens.install.inject.MeshlensNames;

/**
 * The verdict on one meshed pod's proxy, a pure function of the Pod object. Pods that are done
 * (completed, failed, evicted) or going away (terminating) are not expected to run a proxy and
 * are set aside rather than reported.
 */
public record ProxyStatus(Verdict verdict, String reason) {
    public enum Verdict { READY, PROBLEM, COMPLETED, EVICTED, FAILED, TERMINATING }

    public static ProxyStatus of(Pod pod, String expectedVersion) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return new ProxyStatus(Verdict.TERMINATING, "terminating");
        }
        String phase = pod.getStatus() == null ? "" : Objects.requireNonNullElse(pod.getStatus().getPhase(), "");
        if (phase.equals("Succeeded")) {
            return new ProxyStatus(Verdict.COMPLETED, "completed");
        }
        if (phase.equals("Failed")) {
            boolean evicted = "Evicted".equals(pod.getStatus().getReason());
            return new ProxyStatus(evicted ? Verdict.EVICTED : Verdict.FAILED, evicted ? "evicted" : "failed");
        }
        Map<String, String> annotations = Objects.requireNonNullElse(pod.getMetadata().getAnnotations(), Map.of());
        String version = annotations.get(MeshlensNames.ANNOTATION_PROXY_VERSION);
        if (!phase.equals("Running")) {
            return problem("pod is " + (phase.isEmpty() ? "Unknown" : phase) + waitingReason(proxy(pod)));
        }
        Optional<ContainerStatus> proxy = proxy(pod);
        if (proxy.isEmpty()) {
            return problem("no " + MeshlensNames.PROXY_CONTAINER + " container is running (injected but its status is missing)");
        }
        if (!Boolean.TRUE.equals(proxy.get().getReady())) {
            int restarts = Objects.requireNonNullElse(proxy.get().getRestartCount(), 0);
            return problem("proxy not ready" + waitingReason(proxy) + (restarts > 0 ? " (" + restarts + " restarts)" : ""));
        }
        if (!Objects.equals(version, expectedVersion)) {
            return problem("proxy " + (version == null ? "of unknown version" : version) + ", expected " + expectedVersion
                    + " (re-inject and roll out)");
        }
        return new ProxyStatus(Verdict.READY, "");
    }

    private static ProxyStatus problem(String reason) {
        return new ProxyStatus(Verdict.PROBLEM, reason);
    }

    /** The sidecar as a regular container, or as a native sidecar (an init container). */
    private static Optional<ContainerStatus> proxy(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        List<ContainerStatus> regular = Objects.requireNonNullElse(pod.getStatus().getContainerStatuses(), List.of());
        List<ContainerStatus> init = Objects.requireNonNullElse(pod.getStatus().getInitContainerStatuses(), List.of());
        return Stream.concat(regular.stream(), init.stream())
                .filter(s -> MeshlensNames.PROXY_CONTAINER.equals(s.getName()))
                .findFirst();
    }

    private static String waitingReason(Optional<ContainerStatus> s) {
        return s.map(ContainerStatus::getState)
                .filter(st -> st.getWaiting() != null && st.getWaiting().getReason() != null)
                .map(st -> ": " + st.getWaiting().getReason())
                .orElse("");
    }
}
