package io.meshlens.exporter.identity;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.meshlens.exporter.discovery.Cluster;
import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.ServiceInfo;
import io.meshlens.exporter.discovery.WorkloadRef;

/**
 * Names the other side of a proxy's traffic. A peer IP becomes, in this order: the workload of
 * the pod with that IP; the workload behind a Service cluster IP (or {@code service/<name>} when
 * it fronts several workloads); the only host-network workload on a node, else the node; and
 * finally {@code unknown} for private addresses nobody owns or {@code external} (named by the
 * authority when the proxy called out) for the rest of the internet. A proxy that could not
 * connect at all (empty peer) is named after the Service its authority names, if any.
 *
 * <p>One resolver lives for one scrape cycle: results are cached, the cluster view is not copied.
 */
public final class IdentityResolver {
    /** The label value a proxy writes for peers past its cardinality cap. */
    public static final String OVERFLOW = "overflow";

    private final Cluster cluster;
    private final Map<String, WorkloadRef> cache = new HashMap<>();

    public IdentityResolver(Cluster cluster) {
        this.cluster = requireNonNull(cluster, "cluster");
    }

    /** {@link Cluster#version()} of the view this resolver answers from. */
    public Object clusterVersion() {
        return cluster.version();
    }

    /**
     * @param peer the proxy's {@code peer} label (an IP, {@code ""} or {@code overflow})
     * @param authority the request's authority ({@code host:port}), {@code ""} for TCP series
     * @param outbound whether the reporting proxy called the peer (else the peer called it)
     * @param namespace the reporting pod's namespace, for relative service names
     */
    public WorkloadRef resolve(String peer, String authority, boolean outbound, String namespace) {
        String key = peer + '|' + (outbound ? authority : "") + '|' + outbound + '|' + namespace;
        WorkloadRef w = cache.get(key);
        if (w == null) {
            w = uncached(peer, authority, outbound, namespace);
            cache.put(key, w);
        }
        return w;
    }

    private WorkloadRef uncached(String peer, String authority, boolean outbound, String namespace) {
        if (OVERFLOW.equals(peer)) {
            return WorkloadRef.unknown(OVERFLOW);
        }
        if (peer.isEmpty()) {
            Optional<WorkloadRef> byName = serviceNamed(authority, namespace);
            return byName.orElseGet(() -> outbound ? WorkloadRef.external(authority) : WorkloadRef.unknown(""));
        }
        Optional<PodInfo> pod = cluster.podByIp(peer);
        if (pod.isPresent()) {
            return cluster.workloadOf(pod.get());
        }
        Optional<ServiceInfo> svc = cluster.serviceByIp(peer);
        if (svc.isPresent()) {
            return serviceWorkload(svc.get());
        }
        var node = cluster.nodeByIp(peer);
        if (node.isPresent()) {
            Set<WorkloadRef> onNode = new LinkedHashSet<>();
            for (PodInfo p : cluster.pods()) {
                if (p.hostNetwork() && node.get().name().equals(p.node()) && !p.finished()) {
                    onNode.add(cluster.workloadOf(p));
                }
            }
            return onNode.size() == 1 ? onNode.iterator().next() : new WorkloadRef(WorkloadRef.NODE, "", node.get().name());
        }
        if (isPrivate(peer)) {
            return WorkloadRef.unknown(peer);
        }
        // Public callers are not named by IP: that would put the internet into a label.
        return outbound ? WorkloadRef.external(authority) : WorkloadRef.external("");
    }

    private WorkloadRef serviceWorkload(ServiceInfo svc) {
        Set<WorkloadRef> behind = new LinkedHashSet<>();
        for (PodInfo p : cluster.backends(svc)) {
            behind.add(cluster.workloadOf(p));
        }
        return behind.size() == 1 ? behind.iterator().next() : new WorkloadRef("service", svc.namespace(), svc.name());
    }

    /** {@code web}, {@code web.ns}, {@code web.ns.svc}, {@code web.ns.svc.cluster.local} (with or without a port). */
    private Optional<WorkloadRef> serviceNamed(String authority, String namespace) {
        if (authority == null || authority.isEmpty()) {
            return Optional.empty();
        }
        String host = authority;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        String[] parts = host.toLowerCase(Locale.ROOT).split("\\.");
        if (parts.length == 0 || parts[0].isEmpty()) {
            return Optional.empty();
        }
        boolean clusterName = parts.length == 1 || parts.length == 2
                || (parts.length >= 3 && "svc".equals(parts[2]));
        if (!clusterName) {
            return Optional.empty();
        }
        String ns = parts.length >= 2 ? parts[1] : namespace;
        return cluster.service(ns, parts[0]).map(this::serviceWorkload);
    }

    static boolean isPrivate(String ip) {
        if (!ip.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            return false; // not an IP literal: never let a label value trigger a DNS lookup
        }
        try {
            InetAddress a = InetAddress.getByName(ip); // an IP literal: no DNS lookup
            if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress()) {
                return true;
            }
            byte[] b = a.getAddress();
            if (b.length == 4) {
                return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64.0.0/10 (CGNAT, common pod CIDR)
            }
            return (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
