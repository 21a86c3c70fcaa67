package io.meshlens.install.inject;

/** The names inject writes and {@code check} and the exporter read (docs/conventions.md). */
public final class MeshlensNames {
    public static final String PROXY_CONTAINER = "meshlens-proxy";
    public static final String INIT_CONTAINER = "meshlens-init";
    public static final String LABEL_MESHED = "meshlens.io/meshed";
    public static final String ANNOTATION_PROXY_VERSION = "meshlens.io/proxy-version";
    public static final String ANNOTATION_ADMIN_PORT = "meshlens.io/admin-port";
    public static final String ANNOTATION_INJECT = "meshlens.io/inject";
    public static final String ANNOTATION_SKIP_INBOUND = "meshlens.io/skip-inbound-ports";
    public static final String ANNOTATION_SKIP_OUTBOUND = "meshlens.io/skip-outbound-ports";
    public static final String ANNOTATION_DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";
    public static final String VOLUME_PREFIX = "meshlens-";
    public static final int INBOUND_PORT = 4143;
    public static final int OUTBOUND_PORT = 4140;
    public static final int ADMIN_PORT = 4191;

    private MeshlensNames() {}
}
