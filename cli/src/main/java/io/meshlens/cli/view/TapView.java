package io.meshlens.cli.view;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshlens.cli.render.Cells;

/**
 * One tap event as one line, close to {@code linkerd viz tap}:
 * <pre>
 * req id=12 proxy=in src=127.0.10.4:40112 dst=127.0.10.1:8080 :method=GET :authority=web-svc:8080 :path=/api/vote
 * rsp id=12 proxy=in src=... dst=... :status=500 latency=2301µs
 * end id=12 proxy=in src=... dst=... :status=500 duration=2410µs response-length=61B trace_id=4bf92f35...
 * </pre>
 * {@code trace_id} is there when the request carried a {@code traceparent} or B3 header.
 * Wide output adds the workloads ({@code src_res=deployment/vote-bot dst_res=deployment/web}).
 * Headers are never part of an event (the proxy does not emit them), so nothing is redacted here.
 */
public final class TapView {
    private TapView() {}

    public static String line(JsonNode e, boolean wide) {
        String type = e.path("type").asText();
        StringBuilder b = new StringBuilder(type);
        b.append(" id=").append(e.path("id").asText());
        b.append(" proxy=").append("inbound".equals(e.path("direction").asText()) ? "in" : "out");
        b.append(" src=").append(e.path("src").asText()).append(" dst=").append(e.path("dst").asText());
        switch (type) {
            case "req":
                b.append(" :method=").append(e.path("method").asText())
                        .append(" :authority=").append(e.path("authority").asText())
                        .append(" :path=").append(e.path("path").asText());
                break;
            case "rsp":
                status(e, b);
                b.append(" latency=").append(micros(e.path("latency_seconds").asDouble())).append("µs");
                break;
            default:
                status(e, b);
                b.append(" duration=").append(micros(e.path("duration_seconds").asDouble())).append("µs")
                        .append(" response-length=").append(e.path("response_bytes").asLong()).append('B');
                break;
        }
        String error = e.path("error").asText();
        if (!error.isEmpty()) {
            b.append(" error=").append(error);
        }
        String traceId = e.path("trace_id").asText();
        if (!traceId.isEmpty()) {
            b.append(" trace_id=").append(traceId);
        }
        if (wide) {
            b.append(" src_res=").append(Cells.workload(e, "src", "-")).append(" dst_res=").append(Cells.workload(e, "dst", "-"))
                    .append(" pod=").append(e.path("namespace").asText()).append('/').append(e.path("pod").asText());
        }
        return b.toString();
    }

    private static void status(JsonNode e, StringBuilder b) {
        if (e.hasNonNull("status_code")) {
            b.append(" :status=").append(e.path("status_code").asInt());
        }
        String grpc = e.path("grpc_status").asText();
        if (!grpc.isEmpty()) {
            b.append(" grpc-status=").append(grpc);
        }
    }


    private static String micros(double seconds) {
        return String.format(Locale.ROOT, "%d", Math.round(seconds * 1e6));
    }
}
