package io.meshlens.exporter.enrich;

/**
 * The proxy metric families the exporter reads itself (for the live windows), by the base name
 * client_java uses (no {@code _total}). They mirror the proxy's {@code MeshlensMetrics};
 * {@code ProxySeriesTest} fails when the two drift apart.
 */
public final class ProxySeries {
    public static final String RESPONSES = "meshlens_responses";
    public static final String RESPONSE_LATENCY = "meshlens_response_latency_seconds";
    public static final String TCP_OPEN = "meshlens_tcp_open_connections";
    public static final String TCP_READ_BYTES = "meshlens_tcp_read_bytes";
    public static final String TCP_WRITE_BYTES = "meshlens_tcp_write_bytes";
    public static final String PROXY_INFO = "meshlens_proxy";

    /** The proxy's classic latency bucket bounds (seconds, +Inf implicit). */
    public static final double[] LATENCY_BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };

    private ProxySeries() {}
}
