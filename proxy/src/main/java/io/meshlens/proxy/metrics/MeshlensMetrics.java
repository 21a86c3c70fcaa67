package io.meshlens.proxy.metrics;

import java.util.List;

/**
 * The proxy's metric names, label keys and help text, defined once, mirroring
 * {@code CONTRACT.md} and {@code docs/metrics.md} (a test fails when they drift apart).
 */
public enum MeshlensMetrics {
    REQUESTS("meshlens_requests_total", "Requests received by the proxy.", Labels.L),
    RESPONSES("meshlens_responses_total",
              "Responses (or failures in place of one) by status, gRPC status, classification and error.",
              Labels.join(Labels.L, "status_code", "grpc_status", "classification", "error")),
    RESPONSE_LATENCY("meshlens_response_latency_seconds",
                     "Time from request headers arriving at the proxy to response headers leaving it.",
                     Labels.join(Labels.L, "classification")),
    REQUEST_BYTES("meshlens_request_bytes_total", "Request body bytes forwarded.", Labels.L),
    RESPONSE_BYTES("meshlens_response_bytes_total", "Response body bytes forwarded.", Labels.L),
    TCP_OPENED("meshlens_tcp_connections_opened_total", "TCP connections opened.", List.of("direction", "peer")),
    TCP_CLOSED("meshlens_tcp_connections_closed_total", "TCP connections closed, by error (empty: clean).",
               List.of("direction", "peer", "error")),
    TCP_REFUSED("meshlens_tcp_connections_refused_total",
                "Accepted TCP connections closed at once because the proxy was at its connection limit.",
                List.of("direction")),
    TCP_OPEN("meshlens_tcp_open_connections", "TCP connections currently open.", List.of("direction")),
    TCP_READ_BYTES("meshlens_tcp_read_bytes_total", "Bytes read from TCP connections.", List.of("direction", "peer")),
    TCP_WRITE_BYTES("meshlens_tcp_write_bytes_total", "Bytes written to TCP connections.", List.of("direction", "peer")),
    PROXY_INFO("meshlens_proxy_info", "Proxy version and identity (value 1).",
               List.of("version", "namespace", "pod", "workload")),
    TAP_DROPPED("meshlens_tap_events_dropped_total", "Tap events dropped because a subscriber's queue was full.",
                List.of()),
    LABEL_OVERFLOW("meshlens_label_overflow_total", "Label values replaced by 'overflow' past the cardinality cap.",
                   List.of("label"));

    /** Classic latency buckets in seconds (+Inf is implicit): 15 buckets in all. */
    public static final double[] LATENCY_BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };
    /** Label value used past a label's cardinality cap. */
    public static final String OVERFLOW = "overflow";

    private final String metricName;
    private final String help;
    private final List<String> labelNames;

    MeshlensMetrics(String metricName, String help, List<String> labelNames) {
        this.metricName = metricName;
        this.help = help;
        this.labelNames = labelNames;
    }

    public String metricName() {
        return metricName;
    }

    public String help() {
        return help;
    }

    public List<String> labelNames() {
        return labelNames;
    }

    String[] labelArray() {
        return labelNames.toArray(new String[0]);
    }

    /** Label keys. */
    public static final class Labels {
        public static final List<String> L = List.of("direction", "protocol", "authority", "route", "peer");

        private Labels() {}

        static List<String> join(List<String> a, String... b) {
            java.util.ArrayList<String> out = new java.util.ArrayList<>(a);
            out.addAll(List.of(b));
            return List.copyOf(out);
        }
    }
}
