package io.meshlens.exporter.discovery;

/**
 * The pod metadata {@code meshlens inject} writes and the exporter reads (docs/conventions.md):
 * defined once here for the exporter.
 */
public final class Meshed {
    /** {@code "true"} on every injected pod; the exporter scrapes only these. */
    public static final String LABEL = "meshlens.io/meshed";
    public static final String ADMIN_PORT_ANNOTATION = "meshlens.io/admin-port";
    public static final String PROXY_VERSION_ANNOTATION = "meshlens.io/proxy-version";
    public static final int DEFAULT_ADMIN_PORT = 4191;

    private Meshed() {}
}
