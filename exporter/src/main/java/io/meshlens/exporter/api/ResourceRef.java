package io.meshlens.exporter.api;

import io.meshlens.exporter.discovery.WorkloadRef;

/**
 * A {@code from}/{@code to} filter: {@code KIND/NAME} (short kinds allowed) in a namespace,
 * matched against the workload on the other side of the traffic.
 */
record ResourceRef(ResourceKind kind, String namespace, String name) {
    static ResourceRef parse(String param, String value, String namespace) {
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1) {
            throw new ApiException(400, param + ": '" + value + "' (expected: KIND/NAME, e.g. deploy/web)");
        }
        return new ResourceRef(ResourceKind.parse(param, value.substring(0, slash)), namespace, value.substring(slash + 1));
    }

    boolean matches(WorkloadRef w) {
        if (kind == ResourceKind.NAMESPACE) {
            return name.equals(w.namespace());
        }
        return kind.kind.equals(w.kind()) && name.equals(w.name()) && (namespace.isEmpty() || namespace.equals(w.namespace()));
    }
}
