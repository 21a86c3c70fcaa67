package io.meshlens.proxy.tap;

import io.meshlens.proxy.metrics.GrpcStatus;

/**
 * Renders a tap event as one JSON line. Only an allow-list of fields is ever written: no headers,
 * no bodies, and the path without its query string (queries often carry tokens).
 */
final class TapJson {
    private TapJson() {}

    /** {@code idPrefix} ({@code pod:} or "") and the exchange's number make the event's id. */
    static String render(String type, TapSource x, String idPrefix) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"type\":\"").append(type).append('"');
        b.append(",\"id\":\"").append(idPrefix).append(x.tapId()).append('"');
        field(b, "direction", x.direction().label());
        field(b, "src", x.src());
        field(b, "dst", x.dst());
        field(b, "method", x.method());
        field(b, "authority", x.authority());
        String p = x.path();
        if (p != null) {
            int q = p.indexOf('?');
            field(b, "path", q < 0 ? p : p.substring(0, q));
        }
        if (!"req".equals(type)) {
            if (x.statusCode() > 0) {
                b.append(",\"status_code\":").append(x.statusCode());
            }
            if (x.grpcStatus() >= 0) {
                field(b, "grpc_status", GrpcStatus.name(x.grpcStatus()));
            }
        }
        if ("rsp".equals(type)) {
            b.append(",\"latency_seconds\":").append(x.latencyNanos() / 1e9);
        }
        if ("end".equals(type)) {
            b.append(",\"duration_seconds\":").append(x.durationNanos() / 1e9);
            b.append(",\"response_bytes\":").append(x.responseBytes());
        }
        field(b, "error", x.error() == null ? "" : x.error().label());
        return b.append("}\n").toString();
    }

    private static void field(StringBuilder b, String k, String v) {
        b.append(",\"").append(k).append("\":\"");
        if (v != null) {
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '"': b.append("\\\""); break;
                    case '\\': b.append("\\\\"); break;
                    case '\n': b.append("\\n"); break;
                    case '\r': b.append("\\r"); break;
                    case '\t': b.append("\\t"); break;
                    default:
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                }
            }
        }
        b.append('"');
    }
}
