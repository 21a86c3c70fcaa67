package io.meshlens.install.inject;

import static io.meshlens.install.inject.MeshlensNames.ADMIN_PORT;
import static io.meshlens.install.inject.MeshlensNames.INBOUND_PORT;
import static io.meshlens.install.inject.MeshlensNames.OUTBOUND_PORT;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.representer.StandardRepresenter;

import io.meshlens.install.intercept.InterceptionRules;

/**
 * The containers and volumes inject adds to a pod, as YAML nodes. Both containers meet the
 * restricted Pod Security profile except for what the init container needs to write iptables
 * rules: root in the pod's own network namespace with NET_ADMIN and NET_RAW only.
 */
final class SidecarContainers {
    /**
     * The proxy's JVM flags, as measured in docs/performance.md: a small fixed heap, the serial
     * collector and one Netty arena per kind; the class-data archive the image's entrypoint names
     * mapped where it was dumped (so its pages stay shared by every proxy on the node instead of
     * being relocated into private copies) and the native heap trimmed every second (the JIT compilers' freed arenas go
     * back to the node). A percentage of the container limit would size the heap to the limit
     * instead, and the JVM would grow into it.
     */
    static final String PROXY_JVM_OPTIONS = "-Xms16m -Xmx48m -Xmn8m -Xss256k -XX:+UseSerialGC"
            + " -XX:MaxDirectMemorySize=16m -XX:ReservedCodeCacheSize=20m -XX:MetaspaceSize=32m"
            + " -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
            + " -XX:TrimNativeHeapInterval=1000"
            + " -Dio.netty.allocator.type=pooled -Dio.netty.allocator.numDirectArenas=1"
            + " -Dio.netty.allocator.numHeapArenas=1 -Dio.netty.allocator.maxOrder=7 -Djava.io.tmpdir=/tmp";

    /**
     * Memory request and limit of the proxy container (docs/performance.md, "Memory request and
     * limit of the sidecar"): the request covers the steady RSS of one proxy (63-74 MB, light load
     * and after a burst), the limit is half as much again as the highest peak RSS measured
     * (106 MB, bench/abuse).
     */
    static final String PROXY_MEMORY_REQUEST = "80Mi";
    static final String PROXY_MEMORY_LIMIT = "160Mi";

    static final String TMP_VOLUME = "meshlens-tmp";
    static final String XTABLES_VOLUME = "meshlens-xtables";

    private final InjectOptions options;
    private final StandardRepresenter representer =
            new StandardRepresenter(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build());

    SidecarContainers(InjectOptions options) {
        this.options = options;
    }

    /** The proxy; {@code nativeSidecar} adds {@code restartPolicy: Always} (it then lives in initContainers). */
    Node proxy(String workload, Integer firstAppPort, boolean nativeSidecar) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", MeshlensNames.PROXY_CONTAINER);
        c.put("image", options.proxyImage());
        c.put("imagePullPolicy", "IfNotPresent");
        if (nativeSidecar) {
            c.put("restartPolicy", "Always");
        }
        List<Object> env = new ArrayList<>();
        if (firstAppPort != null) {
            // Fallback target for connections that reach 4143 without being redirected.
            env.add(value("MESHLENS_INBOUND", "0.0.0.0:" + INBOUND_PORT + "=127.0.0.1:" + firstAppPort));
        }
        env.add(value("MESHLENS_OUTBOUND", "127.0.0.1:" + OUTBOUND_PORT));
        env.add(value("MESHLENS_ADMIN", "0.0.0.0:" + ADMIN_PORT));
        env.add(value("MESHLENS_TRANSPARENT", "true"));
        env.add(field("MESHLENS_NAMESPACE", "metadata.namespace"));
        env.add(field("MESHLENS_POD", "metadata.name"));
        env.add(value("MESHLENS_WORKLOAD", workload));
        // Optional: without the Secret in the app's namespace /tap answers loopback callers only.
        env.add(map("name", "MESHLENS_TAP_TOKEN", "valueFrom",
                map("secretKeyRef", map("name", options.tapTokenSecret(), "key", "token", "optional", true))));
        env.add(value("JAVA_TOOL_OPTIONS", PROXY_JVM_OPTIONS));
        env.add(value("MALLOC_ARENA_MAX", "2"));
        c.put("env", env);
        c.put("ports", List.of(
                map("name", "meshlens-proxy", "containerPort", INBOUND_PORT, "protocol", "TCP"),
                map("name", "meshlens-admin", "containerPort", ADMIN_PORT, "protocol", "TCP")));
        c.put("readinessProbe", map("httpGet", map("path", "/ready", "port", ADMIN_PORT), "periodSeconds", 5, "failureThreshold", 3));
        c.put("livenessProbe", map("httpGet", map("path", "/live", "port", ADMIN_PORT), "initialDelaySeconds", 10, "periodSeconds", 10));
        if (nativeSidecar) {
            // The kubelet starts the next container once a native sidecar's startup probe passes:
            // the app's first connections then find the proxy listening.
            c.put("startupProbe", map("httpGet", map("path", "/ready", "port", ADMIN_PORT), "periodSeconds", 1, "failureThreshold", 120));
        }
        c.put("resources", map("requests", map("cpu", "20m", "memory", PROXY_MEMORY_REQUEST),
                "limits", map("cpu", "1", "memory", PROXY_MEMORY_LIMIT)));
        c.put("securityContext", map(
                "runAsUser", options.proxyUid(),
                "runAsGroup", options.proxyUid(),
                "runAsNonRoot", true,
                "allowPrivilegeEscalation", false,
                "readOnlyRootFilesystem", true,
                "capabilities", map("drop", List.of("ALL")),
                "seccompProfile", map("type", "RuntimeDefault")));
        c.put("volumeMounts", List.of(map("name", TMP_VOLUME, "mountPath", "/tmp")));
        return representer.represent(c);
    }

    /** The init container that runs {@code rules.script()} once, before any other container. */
    Node init(InterceptionRules rules) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", MeshlensNames.INIT_CONTAINER);
        c.put("image", options.initImage());
        c.put("imagePullPolicy", "IfNotPresent");
        c.put("command", List.of("/bin/sh", "-c"));
        c.put("args", List.of(rules.script()));
        c.put("resources", map("requests", map("cpu", "10m", "memory", "16Mi"), "limits", map("cpu", "100m", "memory", "64Mi")));
        c.put("securityContext", map(
                // iptables needs root and NET_ADMIN/NET_RAW, only in this pod's network namespace.
                "runAsUser", 0,
                "runAsNonRoot", false,
                "allowPrivilegeEscalation", false,
                "readOnlyRootFilesystem", true,
                "capabilities", map("add", List.of("NET_ADMIN", "NET_RAW"), "drop", List.of("ALL")),
                "seccompProfile", map("type", "RuntimeDefault")));
        // iptables takes its lock in /run/xtables.lock; the root filesystem is read-only.
        c.put("volumeMounts", List.of(map("name", XTABLES_VOLUME, "mountPath", "/run")));
        return representer.represent(c);
    }

    List<Node> volumes() {
        return List.of(
                representer.represent(map("name", TMP_VOLUME, "emptyDir", map("sizeLimit", "64Mi"))),
                representer.represent(map("name", XTABLES_VOLUME, "emptyDir", map("sizeLimit", "1Mi"))));
    }

    private static Map<String, Object> value(String name, String value) {
        return map("name", name, "value", value);
    }

    private static Map<String, Object> field(String name, String fieldPath) {
        return map("name", name, "valueFrom", map("fieldRef", map("fieldPath", fieldPath)));
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
