package io.meshlens.exporter.discovery;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/** A Service: its cluster IPs and pod selector (empty for selector-less services). */
public record ServiceInfo(String namespace, String name, List<String> clusterIps, Map<String, String> selector) {
    public ServiceInfo {
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        clusterIps = List.copyOf(clusterIps == null ? List.of() : clusterIps);
        selector = Map.copyOf(selector == null ? Map.of() : selector);
    }

    /** Whether this service's selector picks {@code pod}. */
    public boolean selects(PodInfo pod) {
        if (selector.isEmpty() || !pod.namespace().equals(namespace)) {
            return false;
        }
        for (var e : selector.entrySet()) {
            if (!e.getValue().equals(pod.labels().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
