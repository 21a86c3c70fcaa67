package io.meshlens.cli;

import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshlens.cli.api.ApiException;
import io.meshlens.cli.api.PrometheusApi;
import io.meshlens.cli.render.PromDuration;

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
        String tcpSel = sel.toString().replace("direction=\"inbound\", ", "").replace("direction=\"inbound\"", "");
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
        String responses = "meshlens_responses_total{" + edgeSel + "}";
        double windowSeconds = PromDuration.seconds(window);
        double span = Math.min(windowSeconds, dataSpan(responses));
        // rate() divides by the whole window; over a window longer than the data, scale to the span that had data.
        double scale = span > 0 ? windowSeconds / span : 1;
        String rate = "sum by (" + group + ") (rate(" + responses + "[" + window + "]))";
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
        // TCP as the live window counts it: every direction of the resource's pods.
        Map<String, Double> tcp = prom.vector("sum by (" + group + ") (meshlens_tcp_open_connections{" + tcpSel + "})", by);
        Map<String, Double> read = prom.vector("sum by (" + group + ") (rate(meshlens_tcp_read_bytes_total{" + tcpSel + "}[" + window + "]))", by);
        Map<String, Double> write = prom.vector("sum by (" + group + ") (rate(meshlens_tcp_write_bytes_total{" + tcpSel + "}[" + window + "]))", by);
        TreeSet<String> keys = new TreeSet<>(rps.keySet());
        if (from == null && to == null) {
            keys.addAll(meshed.keySet());
        }
        if (keys.isEmpty() && (!name.isEmpty() || !namespace.isEmpty()) && from == null && to == null) {
            requireExists(kind, name, namespace);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("window", window);
        out.put("window_seconds", span);
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
            // rate() times the window is Prometheus' increase() over it: the responses in the window
            r.put("requests", all == null ? 0 : Math.round(all * windowSeconds));
            if (all == null || all == 0) {
                r.put("rps", 0.0);
                r.putNull("success_rate");
                r.putNull("latency_p50_seconds").putNull("latency_p95_seconds").putNull("latency_p99_seconds");
            } else {
                r.put("rps", all * scale);
                // Two rate() results extrapolate separately: clamp the ratio, as the dashboards do.
                r.put("success_rate", Math.min(1.0, ok.getOrDefault(key, 0.0) / all));
                number(r, "latency_p50_seconds", q[0].get(key));
                number(r, "latency_p95_seconds", q[1].get(key));
                number(r, "latency_p99_seconds", q[2].get(key));
            }
            r.put("tcp_open_connections", tcp.getOrDefault(key, 0.0).longValue());
            r.put("read_bytes_per_second", read.getOrDefault(key, 0.0) * scale);
            r.put("write_bytes_per_second", write.getOrDefault(key, 0.0) * scale);
        }
        // The live API's scope fields (docs/api.md): here, the exporters whose series Prometheus
        // holds in the window; Prometheus answers from what it stored, never from a missing peer.
        out.put("exporters", prom.vector("count(count by (instance) (count_over_time(meshlens_exporter_series[" + window + "])))")
                .getOrDefault("", 0.0).longValue());
        out.put("partial", false);
        out.putArray("missing");
        return out;
    }

    /** Seconds since the oldest sample of {@code series} within the window (0: no data at all). */
    private double dataSpan(String series) {
        Map<String, Double> oldest = prom.vector("time() - min(min_over_time(timestamp(" + series + ")[" + window + ":]))");
        Double s = oldest.get("");
        return s == null || s.isNaN() ? 0 : s;
    }

    /** An empty answer for a named resource or namespace: does it exist at all? */
    private void requireExists(String kind, String name, String namespace) {
        String nsSel = namespace.isEmpty() ? "" : "namespace=\"" + esc(namespace) + "\"";
        if (!namespace.isEmpty() && prom.vector("count(meshlens_workload_pods{" + nsSel + "})").isEmpty()) {
            throw new ApiException("namespace " + namespace + " does not exist (Prometheus has no meshlens_workload_pods in it)\n"
                    + "hint: meshlens stat ns --prometheus URL lists the namespaces with pods");
        }
        if (!name.isEmpty() && !kind.equals("pod")) {
            String where = namespace.isEmpty() ? " in any namespace" : " in namespace " + namespace;
            throw new ApiException(kind + "/" + name + " does not exist" + where + " (Prometheus has no meshlens_workload_pods for it)\n"
                    + "hint: meshlens stat " + kind + (namespace.isEmpty() ? " -A" : " -n " + namespace) + " --prometheus URL lists what exists");
        }
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
