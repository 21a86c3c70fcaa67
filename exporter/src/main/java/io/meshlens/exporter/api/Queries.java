package io.meshlens.exporter.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import io.meshlens.exporter.discovery.Cluster;
import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.WorkloadRef;
import io.meshlens.exporter.live.LiveWindow.Delta;
import io.meshlens.exporter.live.TrafficKey;
import io.meshlens.exporter.live.WindowStats;

/**
 * The answers of {@code /api/v1/stat}, {@code /edges} and {@code /routes}: pure functions of a
 * live-window {@link Delta} and the cluster view, so they are tested without any server.
 */
final class Queries {
    private Queries() {}

    /** A resource a stat row is about: a workload, a pod (kind {@code pod}) or a namespace. */
    private record Resource(String namespace, String kind, String name) {}

    private static Resource resourceOf(ResourceKind kind, WorkloadRef workload, String namespace, String pod) {
        switch (kind) {
            case NAMESPACE: return new Resource(namespace, "namespace", namespace);
            case POD: return new Resource(namespace, "pod", pod);
            default: return kind.kind.equals(workload.kind()) ? new Resource(workload.namespace(), workload.kind(), workload.name()) : null;
        }
    }

    static List<Map<String, Object>> stat(Cluster cluster, Delta delta, ResourceKind kind, String namespace, String name,
                                          ResourceRef from, ResourceRef to) {
        Predicate<Resource> wanted = r -> r != null && (namespace.isEmpty() || namespace.equals(r.namespace()))
                && (name.isEmpty() || name.equals(r.name()));
        Map<Resource, int[]> pods = new TreeMap<>(Comparator.comparing(Resource::namespace).thenComparing(Resource::name));
        Map<Resource, double[]> tcp = new TreeMap<>(Comparator.comparing(Resource::namespace).thenComparing(Resource::name));
        for (PodInfo p : cluster.pods()) {
            if (p.finished()) {
                continue;
            }
            Resource r = resourceOf(kind, cluster.workloadOf(p), p.namespace(), p.name());
            if (!wanted.test(r)) {
                continue;
            }
            int[] c = pods.computeIfAbsent(r, k -> new int[2]);
            c[1]++;
            if (p.meshed()) {
                c[0]++;
            }
            double[] t = delta.tcp(p.namespace(), p.name());
            double[] sum = tcp.computeIfAbsent(r, k -> new double[3]);
            for (int i = 0; i < 3; i++) {
                sum[i] += t[i];
            }
        }
        Map<Resource, WindowStats> stats = new LinkedHashMap<>();
        for (var e : delta.traffic().entrySet()) {
            TrafficKey k = e.getKey();
            boolean keep = to == null
                    ? k.inbound() && (from == null || from.matches(k.src()))
                    : !k.inbound() && to.matches(k.dst()) && (from == null || from.matches(k.reporter()));
            if (!keep) {
                continue;
            }
            Resource r = resourceOf(kind, k.reporter(), k.reporter().namespace(), k.pod());
            if (wanted.test(r)) {
                stats.computeIfAbsent(r, x -> new WindowStats(delta.bounds(), delta.seconds())).add(e.getValue());
            }
        }
        List<Resource> rows = new ArrayList<>(pods.keySet());
        for (Resource r : stats.keySet()) {
            if (!pods.containsKey(r)) {
                rows.add(r);
            }
        }
        if (from != null || to != null) {
            rows.removeIf(r -> !stats.containsKey(r)); // with a filter, only resources that had such traffic
        }
        rows.sort(Comparator.comparing(Resource::namespace).thenComparing(Resource::name));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Resource r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("namespace", r.namespace());
            row.put("kind", r.kind());
            row.put("name", r.name());
            int[] c = pods.getOrDefault(r, new int[2]);
            row.put("meshed_pods", c[0]);
            row.put("total_pods", c[1]);
            golden(row, stats.getOrDefault(r, new WindowStats(delta.bounds(), delta.seconds())));
            double[] t = tcp.getOrDefault(r, new double[3]);
            row.put("tcp_open_connections", (long) t[0]);
            row.put("read_bytes_per_second", t[1]);
            row.put("write_bytes_per_second", t[2]);
            out.add(row);
        }
        return out;
    }

    /**
     * Caller -> callee pairs. Meshed callees are counted where they are served (their inbound
     * proxy sees every caller, meshed or not); callees without a meshed pod (external services,
     * unmeshed workloads) from the caller's outbound side. Nothing is counted twice.
     */
    static List<Map<String, Object>> edges(Cluster cluster, Delta delta, String namespace) {
        java.util.Set<WorkloadRef> meshed = new java.util.HashSet<>();
        for (PodInfo p : cluster.pods()) {
            if (p.meshed() && !p.finished()) {
                meshed.add(cluster.workloadOf(p));
            }
        }
        Map<List<WorkloadRef>, WindowStats> pairs = new TreeMap<>(Comparator.comparing((List<WorkloadRef> l) -> l.get(0).toString())
                .thenComparing(l -> l.get(1).toString()));
        for (var e : delta.traffic().entrySet()) {
            TrafficKey k = e.getKey();
            boolean count = k.inbound() || !meshed.contains(k.dst());
            if (!count || !(namespace.isEmpty() || namespace.equals(k.src().namespace()) || namespace.equals(k.dst().namespace()))) {
                continue;
            }
            pairs.computeIfAbsent(List.of(k.src(), k.dst()), x -> new WindowStats(delta.bounds(), delta.seconds())).add(e.getValue());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        pairs.forEach((pair, s) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            putWorkload(row, "src_", pair.get(0));
            putWorkload(row, "dst_", pair.get(1));
            golden(row, s);
            out.add(row);
        });
        return out;
    }

    static List<Map<String, Object>> routes(Delta delta, ResourceRef resource) {
        Map<List<String>, WindowStats> byRoute = new TreeMap<>(Comparator.comparing((List<String> l) -> String.join("\u0000", l)));
        for (var e : delta.traffic().entrySet()) {
            TrafficKey k = e.getKey();
            boolean mine = resource.kind() == ResourceKind.POD
                    ? k.pod().equals(resource.name()) && (resource.namespace().isEmpty() || resource.namespace().equals(k.reporter().namespace()))
                    : resource.matches(k.reporter());
            if (mine) {
                byRoute.computeIfAbsent(List.of(k.direction(), k.route(), k.authority()),
                        x -> new WindowStats(delta.bounds(), delta.seconds())).add(e.getValue());
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        byRoute.forEach((key, s) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("direction", key.get(0));
            row.put("route", key.get(1));
            row.put("authority", key.get(2));
            golden(row, s);
            out.add(row);
        });
        return out;
    }

    private static void putWorkload(Map<String, Object> row, String prefix, WorkloadRef w) {
        row.put(prefix + "namespace", w.namespace());
        row.put(prefix + "kind", w.kind());
        row.put(prefix + "workload", w.name());
    }

    private static void golden(Map<String, Object> row, WindowStats s) {
        row.put("requests", s.total());
        row.put("rps", s.rps());
        row.put("success_rate", s.successRate());
        row.put("latency_p50_seconds", s.quantile(0.5));
        row.put("latency_p95_seconds", s.quantile(0.95));
        row.put("latency_p99_seconds", s.quantile(0.99));
    }

}
