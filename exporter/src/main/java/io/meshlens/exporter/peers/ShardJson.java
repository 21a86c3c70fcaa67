package io.meshlens.exporter.peers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.exporter.discovery.WorkloadRef;
import io.meshlens.exporter.live.Counts;
import io.meshlens.exporter.live.LiveWindow.Delta;
import io.meshlens.exporter.live.TrafficKey;

/**
 * The JSON of {@code /api/v1/shard} (docs/api.md): raw window counts, not rates, so that the
 * exporter that merges them answers exactly what one exporter scraping every pod would.
 */
public final class ShardJson {
    private static final TypeReference<List<Map<String, Object>>> ROWS = new TypeReference<>() {};

    private ShardJson() {}

    public static Map<String, Object> encode(Shard s) {
        Delta d = s.delta();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", s.node());
        out.put("window_seconds", d.seconds());
        List<String> bounds = new ArrayList<>();
        for (double b : d.bounds()) {
            bounds.add(Double.toString(b)); // "Infinity" is not a JSON number
        }
        out.put("bounds", bounds);
        List<Map<String, Object>> traffic = new ArrayList<>();
        d.traffic().forEach((k, c) -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("direction", k.direction());
            putWorkload(t, "reporter", k.reporter());
            t.put("pod", k.pod());
            putWorkload(t, "src", k.src());
            putWorkload(t, "dst", k.dst());
            t.put("authority", k.authority());
            t.put("route", k.route());
            t.put("success", c.success());
            t.put("failure", c.failure());
            long[] buckets = new long[c.bucketCount()];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = c.bucket(i);
            }
            t.put("buckets", buckets);
            traffic.add(t);
        });
        out.put("traffic", traffic);
        out.put("tcp", d.tcp());
        out.put("proxies", s.proxies());
        return out;
    }

    /** @throws IllegalArgumentException naming what is missing or malformed */
    public static Shard decode(JsonNode n, ObjectMapper json) {
        double seconds = number(n, "window_seconds").asDouble();
        JsonNode boundsNode = field(n, "bounds");
        double[] bounds = new double[boundsNode.size()];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = Double.parseDouble(boundsNode.get(i).asText());
        }
        Map<TrafficKey, Counts> traffic = new HashMap<>();
        for (JsonNode t : field(n, "traffic")) {
            JsonNode b = field(t, "buckets");
            long[] buckets = new long[b.size()];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = b.get(i).asLong();
            }
            TrafficKey k = new TrafficKey(text(t, "direction"), workload(t, "reporter"), text(t, "pod"), workload(t, "src"),
                    workload(t, "dst"), text(t, "authority"), text(t, "route"));
            traffic.put(k, Counts.ofWindow(number(t, "success").asLong(), number(t, "failure").asLong(), buckets, seconds));
        }
        Map<String, double[]> tcp = new HashMap<>();
        field(n, "tcp").fields().forEachRemaining(e -> {
            double[] v = new double[3];
            for (int i = 0; i < v.length && i < e.getValue().size(); i++) {
                v[i] = e.getValue().get(i).asDouble();
            }
            tcp.put(e.getKey(), v);
        });
        List<Map<String, Object>> proxies = json.convertValue(field(n, "proxies"), ROWS);
        return new Shard(text(n, "node"), new Delta(seconds, bounds, traffic, tcp), proxies);
    }

    private static void putWorkload(Map<String, Object> t, String prefix, WorkloadRef w) {
        t.put(prefix + "_kind", w.kind());
        t.put(prefix + "_namespace", w.namespace());
        t.put(prefix + "_workload", w.name());
    }

    private static WorkloadRef workload(JsonNode t, String prefix) {
        return new WorkloadRef(text(t, prefix + "_kind"), text(t, prefix + "_namespace"), text(t, prefix + "_workload"));
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("shard: '" + name + "' missing (expected: the JSON of /api/v1/shard)");
        }
        return v;
    }

    private static JsonNode number(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("shard: '" + name + "' is " + v + " (expected: a number)");
        }
        return v;
    }

    private static String text(JsonNode n, String name) {
        return field(n, name).asText();
    }
}
