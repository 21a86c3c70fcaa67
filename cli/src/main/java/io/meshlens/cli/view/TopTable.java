package io.meshlens.cli.view;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshlens.cli.render.Cells;
import io.meshlens.cli.render.OutputFormat;
import io.meshlens.cli.render.Table;

/**
 * {@code meshlens top}: tap events folded into the most frequent paths, each with its count and
 * best, worst and last latency and success rate (as {@code linkerd viz top}). A request counts
 * once, when its {@code end} event arrives; its latency is the one its {@code rsp} event carried.
 */
public final class TopTable {
    private final Map<String, Double> latencyById = new HashMap<>();
    private final Map<List<String>, Path> paths = new LinkedHashMap<>();

    /** Folds one event in. */
    public synchronized void add(JsonNode e) {
        String id = e.path("namespace").asText() + "/" + e.path("pod").asText() + "#" + e.path("id").asText();
        switch (e.path("type").asText()) {
            case "rsp":
                latencyById.put(id, e.path("latency_seconds").asDouble());
                break;
            case "end": {
                Double latency = latencyById.remove(id);
                List<String> key = List.of(Cells.workload(e, "src", e.path("src").asText()), Cells.workload(e, "dst", e.path("dst").asText()), e.path("method").asText(), e.path("path").asText());
                Path p = paths.computeIfAbsent(key, k -> new Path());
                p.count++;
                p.successes += success(e) ? 1 : 0;
                if (latency != null) {
                    p.best = Math.min(p.best, latency);
                    p.worst = Math.max(p.worst, latency);
                    p.last = latency;
                }
                break;
            }
            default:
                break;
        }
    }

    /** A request failed when the proxy saw an error, a 5xx, or a non-OK gRPC status. */
    static boolean success(JsonNode e) {
        if (!e.path("error").asText().isEmpty() || e.path("status_code").asInt() >= 500) {
            return false;
        }
        String grpc = e.path("grpc_status").asText();
        return grpc.isEmpty() || grpc.equals("OK");
    }

    public synchronized void print(OutputFormat format, PrintWriter out) {
        List<Map.Entry<List<String>, Path>> rows = new ArrayList<>(paths.entrySet());
        rows.sort(Comparator.comparingLong((Map.Entry<List<String>, Path> r) -> -r.getValue().count)
                .thenComparing(r -> String.join(" ", r.getKey())));
        ArrayNode json = JsonNodeFactory.instance.arrayNode();
        Table t = new Table("SOURCE", "DESTINATION", "METHOD", "PATH", "COUNT", "BEST", "WORST", "LAST", "SUCCESS_RATE");
        for (Map.Entry<List<String>, Path> r : rows) {
            List<String> k = r.getKey();
            Path p = r.getValue();
            ObjectNode n = json.addObject().put("source", k.get(0)).put("destination", k.get(1)).put("method", k.get(2))
                    .put("path", k.get(3)).put("count", p.count).put("success_rate", p.successes / (double) p.count);
            if (p.last >= 0) {
                n.put("best_seconds", p.best).put("worst_seconds", p.worst).put("last_seconds", p.last);
            } else {
                n.putNull("best_seconds").putNull("worst_seconds").putNull("last_seconds");
            }
            t.row(k.get(0), k.get(1), k.get(2), k.get(3), String.valueOf(p.count), Cells.latency(n.get("best_seconds")),
                    Cells.latency(n.get("worst_seconds")), Cells.latency(n.get("last_seconds")), Cells.percent(n.get("success_rate")));
        }
        if (format == OutputFormat.json) {
            Json.print(JsonNodeFactory.instance.objectNode().set("rows", json), out);
        } else if (t.isEmpty()) {
            out.println("No requests seen.");
            out.flush();
        } else {
            t.print(out);
        }
    }


    private static final class Path {
        long count;
        long successes;
        double best = Double.MAX_VALUE;
        double worst;
        double last = -1;
    }
}
