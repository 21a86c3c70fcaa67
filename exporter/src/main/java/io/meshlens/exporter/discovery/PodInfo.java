package io.meshlens.exporter.discovery;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * What the exporter needs to know about one pod, whichever source it came from.
 *
 * @param ip the pod IP, empty when not yet assigned (pending) or released (evicted)
 * @param owner the pod's controller owner, {@code null} for a bare pod
 * @param terminating whether the pod has a deletion timestamp
 * @param ready whether Kubernetes reports the pod Ready
 */
public record PodInfo(String namespace, String name, String ip, String node, String phase, String reason,
                      boolean hostNetwork, boolean terminating, boolean ready,
                      Map<String, String> labels, Map<String, String> annotations, OwnerRef owner) {
    public PodInfo {
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        ip = ip == null ? "" : ip;
        node = node == null ? "" : node;
        phase = phase == null ? "Unknown" : phase;
        reason = reason == null ? "" : reason;
        labels = Map.copyOf(labels == null ? Map.of() : labels);
        annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
    }

    /** Meshed: the injector's label is set (see docs/conventions.md). */
    public boolean meshed() {
        return "true".equals(labels.get(Meshed.LABEL));
    }

    /** The proxy's admin port from the injector's annotation, or the default 4191. */
    public int adminPort() {
        String p = annotations.get(Meshed.ADMIN_PORT_ANNOTATION);
        if (p != null) {
            try {
                int port = Integer.parseInt(p.trim());
                if (port > 0 && port < 65536) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default: a bad annotation must not hide the pod
            }
        }
        return Meshed.DEFAULT_ADMIN_PORT;
    }

    /** Evicted, completed or failed: the pod exists but its proxy is gone for good. */
    public boolean finished() {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** Worth scraping: meshed, has an IP, running and not on its way out. */
    public boolean scrapeable() {
        return meshed() && !ip.isEmpty() && "Running".equals(phase) && !terminating;
    }

    /** Human-readable state for {@code /api/v1/proxies}: the phase, or why the pod is gone. */
    public String state() {
        if (terminating) {
            return "Terminating";
        }
        return reason.isEmpty() ? phase : phase + " (" + reason + ")";
    }

    public String key() {
        return namespace + "/" + name;
    }

    /** Convenience for static inventories and tests. */
    public static PodInfo running(String namespace, String name, String ip, Map<String, String> labels,
                                  Map<String, String> annotations, OwnerRef owner) {
        return new PodInfo(namespace, name, ip, "", "Running", "", false, false, true, labels, annotations, owner);
    }
}
