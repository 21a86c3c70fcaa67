package io.meshlens.exporter.identity;

import java.util.List;

/** The label names the exporter adds to every proxy series (docs/architecture.md), defined once. */
public final class IdentityLabels {
    public static final String NAMESPACE = "namespace";
    public static final String POD = "pod";
    public static final String WORKLOAD_KIND = "workload_kind";
    public static final String WORKLOAD = "workload";
    public static final String SRC_NAMESPACE = "src_namespace";
    public static final String SRC_KIND = "src_kind";
    public static final String SRC_WORKLOAD = "src_workload";
    public static final String DST_NAMESPACE = "dst_namespace";
    public static final String DST_KIND = "dst_kind";
    public static final String DST_WORKLOAD = "dst_workload";

    /** The proxy's label that the exporter replaces; it never reaches Prometheus. */
    public static final String PEER = "peer";
    public static final String DIRECTION = "direction";
    public static final String AUTHORITY = "authority";

    public static final List<String> ALL = List.of(NAMESPACE, POD, WORKLOAD_KIND, WORKLOAD, SRC_NAMESPACE, SRC_KIND,
            SRC_WORKLOAD, DST_NAMESPACE, DST_KIND, DST_WORKLOAD);

    private IdentityLabels() {}
}
