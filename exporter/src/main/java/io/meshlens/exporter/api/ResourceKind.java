package io.meshlens.exporter.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The resource kinds the API groups by, with the CLI's short forms ({@code deploy}, {@code sts}, ...). */
public enum ResourceKind {
    DEPLOYMENT("deployment", "deploy", "deployments"),
    STATEFULSET("statefulset", "sts", "statefulsets"),
    DAEMONSET("daemonset", "ds", "daemonsets"),
    REPLICASET("replicaset", "rs", "replicasets"),
    JOB("job", "jobs"),
    CRONJOB("cronjob", "cj", "cronjobs"),
    POD("pod", "po", "pods"),
    NAMESPACE("namespace", "ns", "namespaces");

    final String kind;
    private final List<String> aliases;

    ResourceKind(String kind, String... aliases) {
        this.kind = kind;
        this.aliases = List.of(aliases);
    }

    boolean isWorkload() {
        return this != POD && this != NAMESPACE;
    }

    /** The label spelling of this kind ({@code deployment}, {@code pod}, ...). */
    public String kind() {
        return kind;
    }

    /** {@code deploy}, {@code deployments}, {@code Deployment}... -> the kind; empty when unknown. */
    public static Optional<ResourceKind> lookup(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        for (ResourceKind k : values()) {
            if (k.kind.equals(v) || k.aliases.contains(v)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    static ResourceKind parse(String param, String value) {
        return lookup(value).orElseThrow(() -> new ApiException(400, param + ": '" + value + "' (expected: deploy, sts, ds, rs, job, cronjob, pod or ns)"));
    }
}
