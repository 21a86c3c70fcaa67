package io.meshlens.exporter.discovery;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The cluster as a YAML file lists it, for running without Kubernetes (the local demo, proxies
 * on VMs). The format is in docs/architecture.md; the same code runs after discovery.
 */
public final class StaticInventory extends SnapshotCluster {
    private final ClusterSnapshot snapshot;

    private StaticInventory(ClusterSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** An inventory given in code (embedders, tests). */
    public static StaticInventory of(ClusterSnapshot snapshot) {
        return new StaticInventory(java.util.Objects.requireNonNull(snapshot, "snapshot"));
    }

    /**
     * Loads an inventory file.
     *
     * @throws InventoryException naming the file and the offending entry
     */
    public static StaticInventory load(Path file) {
        Object doc;
        LoadSettings settings = LoadSettings.builder().setMaxAliasesForCollections(50)
                .setCodePointLimit(16 * 1024 * 1024).setLabel(file.toString()).build();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = new Load(settings).loadFromReader(r);
        } catch (IOException e) {
            throw new InventoryException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw new InventoryException(file + ": invalid YAML (" + e.getMessage() + ")", e);
        }
        try {
            return new StaticInventory(parse(doc == null ? Map.of() : map(doc, "the document")));
        } catch (InventoryException e) {
            throw new InventoryException(file + ": " + e.getMessage(), e);
        }
    }

    static ClusterSnapshot parse(Map<?, ?> doc) {
        List<PodInfo> pods = new ArrayList<>();
        Map<String, OwnerRef> owners = new HashMap<>();
        List<?> podList = list(doc.get("pods"), "pods");
        for (int i = 0; i < podList.size(); i++) {
            String where = "pods[" + i + "]";
            Map<?, ?> p = map(podList.get(i), where);
            String ns = string(p, "namespace", where, "default");
            String name = string(p, "name", where, null);
            Map<String, String> labels = new LinkedHashMap<>(strings(p.get("labels"), where + ".labels"));
            Map<String, String> annotations = new LinkedHashMap<>(strings(p.get("annotations"), where + ".annotations"));
            if (Boolean.TRUE.equals(p.get("meshed")) || "true".equals(String.valueOf(p.get("meshed")))) {
                labels.put(Meshed.LABEL, "true");
            }
            if (p.get("adminPort") != null) {
                annotations.put(Meshed.ADMIN_PORT_ANNOTATION, String.valueOf(p.get("adminPort")));
            }
            List<?> chain = list(p.get("owners"), where + ".owners");
            OwnerRef direct = null;
            OwnerRef previous = null;
            for (int j = 0; j < chain.size(); j++) {
                Map<?, ?> o = map(chain.get(j), where + ".owners[" + j + "]");
                OwnerRef ref = new OwnerRef(string(o, "kind", where + ".owners[" + j + "]", null),
                        string(o, "name", where + ".owners[" + j + "]", null));
                if (previous == null) {
                    direct = ref;
                } else {
                    owners.put(ClusterSnapshot.ownerKey(ns, previous), ref);
                }
                previous = ref;
            }
            String phase = string(p, "phase", where, "Running");
            pods.add(new PodInfo(ns, name, string(p, "ip", where, ""), string(p, "node", where, ""), phase,
                    string(p, "reason", where, ""), Boolean.TRUE.equals(p.get("hostNetwork")),
                    Boolean.TRUE.equals(p.get("terminating")), "Running".equals(phase), labels, annotations, direct));
        }
        List<ServiceInfo> services = new ArrayList<>();
        List<?> svcList = list(doc.get("services"), "services");
        for (int i = 0; i < svcList.size(); i++) {
            String where = "services[" + i + "]";
            Map<?, ?> s = map(svcList.get(i), where);
            String ip = string(s, "clusterIP", where, "");
            services.add(new ServiceInfo(string(s, "namespace", where, "default"), string(s, "name", where, null),
                    ip.isEmpty() ? List.of() : List.of(ip), strings(s.get("selector"), where + ".selector")));
        }
        Map<WorkloadRef, Map<String, String>> annotations = new HashMap<>();
        List<?> wlList = list(doc.get("workloads"), "workloads");
        for (int i = 0; i < wlList.size(); i++) {
            String where = "workloads[" + i + "]";
            Map<?, ?> w = map(wlList.get(i), where);
            annotations.put(new WorkloadRef(string(w, "kind", where, null), string(w, "namespace", where, "default"),
                    string(w, "name", where, null)), strings(w.get("annotations"), where + ".annotations"));
        }
        for (Object key : doc.keySet()) {
            if (!List.of("pods", "services", "workloads").contains(String.valueOf(key))) {
                throw new InventoryException("unknown top-level key '" + key + "' (expected: pods, services, workloads)");
            }
        }
        return new ClusterSnapshot(pods, services, Map.of(), List.of(), owners, annotations);
    }

    private static Map<?, ?> map(Object o, String where) {
        if (!(o instanceof Map)) {
            throw new InventoryException(where + ": " + describe(o) + " (expected: a mapping)");
        }
        return (Map<?, ?>) o;
    }

    private static List<?> list(Object o, String where) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List)) {
            throw new InventoryException(where + ": " + describe(o) + " (expected: a list)");
        }
        return (List<?>) o;
    }

    private static String string(Map<?, ?> m, String key, String where, String dflt) {
        Object v = m.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            if (dflt == null) {
                throw new InventoryException(where + "." + key + ": missing (expected: a non-empty string)");
            }
            return dflt;
        }
        if (v instanceof Map || v instanceof List) {
            throw new InventoryException(where + "." + key + ": " + describe(v) + " (expected: a string)");
        }
        return String.valueOf(v).trim();
    }

    private static Map<String, String> strings(Object o, String where) {
        if (o == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : map(o, where).entrySet()) {
            if (e.getValue() instanceof Map || e.getValue() instanceof List) {
                throw new InventoryException(where + "." + e.getKey() + ": " + describe(e.getValue()) + " (expected: a string)");
            }
            out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
        return out;
    }

    private static String describe(Object o) {
        return o == null ? "nothing" : o instanceof Map ? "a mapping" : o instanceof List ? "a list" : "'" + o + "'";
    }

    @Override
    protected ClusterSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public boolean synced() {
        return true;
    }

    @Override
    public String degradedReason() {
        return "";
    }
}
