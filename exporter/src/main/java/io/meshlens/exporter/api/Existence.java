package io.meshlens.exporter.api;

import io.meshlens.exporter.discovery.Cluster;
import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.WorkloadRef;

/**
 * Whether a namespace or resource a query names exists, so that a typo answers 404 with what
 * was not found instead of an empty table that reads like a quiet resource. The exporter knows
 * the cluster by its pods (any phase): a namespace or workload without a single pod is unknown.
 */
final class Existence {
    private Existence() {}

    /** Throws 404 unless {@code namespace} (empty: any) and {@code kind/name} (empty name: any) have a pod. */
    static void require(Cluster cluster, ResourceKind kind, String namespace, String name) {
        if (!cluster.synced()) {
            return; // not known yet is not "does not exist"
        }
        boolean namespaceSeen = namespace.isEmpty();
        for (PodInfo p : cluster.pods()) {
            if (!namespace.isEmpty() && !namespace.equals(p.namespace())) {
                continue;
            }
            namespaceSeen = true;
            if (name.isEmpty() || matches(cluster, kind, name, p)) {
                return;
            }
        }
        if (!namespaceSeen) {
            throw new ApiException(404, "namespace " + namespace + " does not exist (the exporter knows no pod in it)\n"
                    + "hint: meshlens stat ns lists the namespaces with pods");
        }
        String where = namespace.isEmpty() ? " in any namespace" : " in namespace " + namespace;
        throw new ApiException(404, kind.kind + "/" + name + " does not exist" + where + "\n"
                + "hint: meshlens stat " + kind.kind + (namespace.isEmpty() ? " -A" : " -n " + namespace) + " lists what exists");
    }

    private static boolean matches(Cluster cluster, ResourceKind kind, String name, PodInfo p) {
        return switch (kind) {
            case POD -> p.name().equals(name);
            case NAMESPACE -> p.namespace().equals(name);
            default -> {
                WorkloadRef w = cluster.workloadOf(p);
                yield kind.kind.equals(w.kind()) && w.name().equals(name);
            }
        };
    }
}
