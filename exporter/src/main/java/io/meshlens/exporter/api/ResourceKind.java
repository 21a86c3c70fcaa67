package io.meshlens.exporter.api;

import java.util.List;
import java.util.Locale;

/** The resource kinds the API groups by, with the CLI's short forms ({@code deploy}, {@code sts}, ...). */
enum ResourceKind {
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

    static ResourceKind parse(String param, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        for (ResourceKind k : values()) {
            if (k.kind.equals(v) || k.aliases.contains(v)) {
                return k;
            }
        }
        throw new ApiException(400, param + ": '" + value + "' (expected: deploy, sts, ds, rs, job, cronjob, pod or ns)");
    }
}
