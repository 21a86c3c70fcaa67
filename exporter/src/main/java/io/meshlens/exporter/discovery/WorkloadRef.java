package io.meshlens.exporter.discovery;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * A workload as people name it: {@code deployment/web} in namespace {@code emojivoto}. Kinds are
 * lower case ({@code deployment}, {@code statefulset}, {@code daemonset}, {@code cronjob},
 * {@code job}, {@code replicaset}, {@code pod}), plus the pseudo-kinds {@code node},
 * {@code external} and {@code unknown} for addresses that no workload owns.
 */
public record WorkloadRef(String kind, String namespace, String name) {
    public static final String EXTERNAL = "external";
    public static final String UNKNOWN = "unknown";
    public static final String NODE = "node";

    public WorkloadRef {
        requireNonNull(kind, "kind");
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        kind = kind.toLowerCase(Locale.ROOT);
    }

    /** An address outside the cluster, named by what the caller asked for. */
    public static WorkloadRef external(String authority) {
        return new WorkloadRef(EXTERNAL, "", authority);
    }

    /** An in-cluster address that no known pod, service or node owns. */
    public static WorkloadRef unknown(String name) {
        return new WorkloadRef(UNKNOWN, "", name);
    }

    @Override
    public String toString() {
        return (namespace.isEmpty() ? "" : namespace + "/") + kind + "/" + name;
    }
}
