package io.meshlens.cli;

import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshlens.cli.api.PrometheusApi;

/**
 * {@code stat --prometheus}: the same rows as the exporter's {@code /api/v1/stat}, computed with
 * PromQL over the enriched series (docs/metrics.md), so any window Prometheus retains works.
 */
final class PrometheusStat {
    private final PrometheusApi prom;
    private final String window;

    PrometheusStat(PrometheusApi prom, String window) {
        this.prom = prom;
        this.window = window;
    }

    JsonNode query(String kind, String name, String namespace, String[] from, String fromNs, String[] to, String toNs) {
        String[] by = switch (kind) {
            case "namespace" -> new String[] {"namespace"};
            case "pod" -> new String[] {"namespace", "pod"};
            default -> new String[] {"namespace", "workload"};
        };
        String group = String.join(", ", by);
        StringBuilder sel = new StringBuilder("direction=\"inbound\"");
        StringBuilder podSel = new StringBuilder();
        if (!namespace.isEmpty()) {
            sel.append(", namespace=\"").append(esc(namespace)).append('"');
            podSel.append("namespace=\"").append(esc(namespace)).append("\", ");
        }
        if (!kind.equals("namespace") && !kind.equals("pod")) {
            sel.append(", workload_kind=\"").append(kind).append('"');
            podSel.append("workload_kind=\"").append(kind).append("\", ");
        }
        if (!name.isEmpty()) {
            String l = kind.equals("namespace") ? "namespace" : kind.equals("pod") ? "pod" : "workload";
            sel.append(", ").append(l).append("=\"").append(esc(name)).append('"');
            if (!kind.equals("pod")) {
                podSel.append(l).append("=\"").append(esc(name)).append("\", ");
            }
        }
        StringBuilder edgeSel = new StringBuilder(sel);
        if (from != null) {
            edgeSel.append(", src_kind=\"").append(from[0]).append("\", src_workload=\"").append(esc(from[1])).append('"');
            if (!fromNs.isEmpty()) {
                edgeSel.append(", src_namespace=\"").append(esc(fromNs)).append('"');
            }
        }
        if (to != null) {
            // stat --to X: X's callers' view is the callee's inbound traffic from them.
            edgeSel.append(", dst_kind=\"").append(to[0]).append("\", dst_workload=\"").append(esc(to[1])).append('"');
            if (!toNs.isEmpty()) {
                edgeSel.append(", dst_namespace=\"").append(esc(toNs)).append('"');
            }
        }
        String rate = "sum by (" + group + ") (rate(meshlens_responses_total{" + edgeSel + "}[" + window + "]))";
        Map<String, Double> rps = prom.vector(rate, by);
        Map<String, Double> ok = prom.vector("sum by (" + group + ") (rate(meshlens_responses_total{" + edgeSel
                + ", classification=\"success\"}[" + window + "]))", by);
        Map<String, Double>[] q = new Map[3];
        double[] quantiles = {0.5, 0.95, 0.99};
        for (int i = 0; i < 3; i++) {
            // native histograms (Prometheus 3 with scrape_native_histograms stores only those), else classic buckets
            q[i] = prom.vector("histogram_quantile(" + quantiles[i] + ", sum by (" + group
                    + ") (rate(meshlens_response_latency_seconds{" + edgeSel + "}[" + window + "]))) or histogram_quantile("
                    + quantiles[i] + ", sum by (" + group
                    + ", le) (rate(meshlens_response_latency_seconds_bucket{" + edgeSel + "}[" + window + "])))", by);
        }
        Map<String, Double> meshed = kind.equals("pod") ? Map.of()
                : prom.vector("sum by (" + group + ") (meshlens_workload_pods{" + podSel + "meshed=\"true\"})", by);
        Map<String, Double> total = kind.equals("pod") ? Map.of()
                : prom.vector("sum by (" + group + ") (meshlens_workload_pods{" + podSel.toString().replaceAll(", $", "") + "})", by);
        Map<String, Double> tcp = prom.vector("sum by (" + group + ") (meshlens_tcp_open_connections{" + sel + "})", by);
        TreeSet<String> keys = new TreeSet<>(rps.keySet());
        if (from == null && to == null) {
            keys.addAll(meshed.keySet());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("window", window);
        ArrayNode rows = out.putArray("rows");
        for (String key : keys) {
            String[] parts = key.split("/", -1);
            ObjectNode r = rows.addObject();
            r.put("namespace", parts[0]);
            r.put("kind", kind);
            r.put("name", parts.length > 1 ? parts[1] : parts[0]);
            r.put("meshed_pods", kind.equals("pod") ? 1 : meshed.getOrDefault(key, 0.0).longValue());
            r.put("total_pods", kind.equals("pod") ? 1 : total.getOrDefault(key, 0.0).longValue());
            Double all = rps.get(key);
            if (all == null || all == 0) {
                r.putNull("success_rate");
                r.put("rps", all == null ? 0 : all);
                r.putNull("latency_p50_seconds").putNull("latency_p95_seconds").putNull("latency_p99_seconds");
            } else {
                // Two rate() results extrapolate separately: clamp the ratio, as the dashboards do.
                r.put("success_rate", Math.min(1.0, ok.getOrDefault(key, 0.0) / all));
                r.put("rps", all);
                number(r, "latency_p50_seconds", q[0].get(key));
                number(r, "latency_p95_seconds", q[1].get(key));
                number(r, "latency_p99_seconds", q[2].get(key));
            }
            number(r, "tcp_open_connections", tcp.get(key));
        }
        return out;
    }

    private static void number(ObjectNode r, String field, Double v) {
        if (v == null || v.isNaN()) {
            r.putNull(field);
        } else {
            r.put(field, v);
        }
    }

    private static String esc(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
