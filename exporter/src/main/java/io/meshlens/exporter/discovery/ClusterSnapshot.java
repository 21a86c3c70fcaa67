package io.meshlens.exporter.discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, indexed copy of the cluster state: pods by IP, services by cluster IP and name,
 * nodes by address, owners for {@link Ownership}. Built in one pass from whatever source feeds
 * the exporter; cheap to query from the scrape loop and the API.
 */
public final class ClusterSnapshot {
    /** Prefers running pods when an IP was reused by an evicted or completed one. */
    private static final Comparator<PodInfo> LIVELIEST = Comparator
            .comparing((PodInfo p) -> !"Running".equals(p.phase()))
            .thenComparing(PodInfo::terminating)
            .thenComparing(PodInfo::key);

    private final List<PodInfo> pods;
    private final Map<String, PodInfo> podsByIp = new HashMap<>();
    private final Map<String, ServiceInfo> servicesByIp = new HashMap<>();
    private final Map<String, ServiceInfo> servicesByName = new HashMap<>();
    private final Map<String, List<String>> endpointIps;
    private final Map<String, NodeInfo> nodesByIp = new HashMap<>();
    private final Map<String, OwnerRef> owners;
    private final Map<WorkloadRef, Map<String, String>> workloadAnnotations;
    private final Map<String, WorkloadRef> workloads = new HashMap<>();

    /**
     * @param endpointIps service key ({@code namespace/name}) -> backend pod IPs; a service
     *     without an entry, or with none (the EndpointSlice controller's placeholder slice, written
     *     while it has no endpoint it can publish), falls back to its selector
     * @param owners {@code namespace/Kind/name} of an owner object -> its controller owner
     */
    public ClusterSnapshot(Collection<PodInfo> pods, Collection<ServiceInfo> services, Map<String, List<String>> endpointIps,
                           Collection<NodeInfo> nodes, Map<String, OwnerRef> owners,
                           Map<WorkloadRef, Map<String, String>> workloadAnnotations) {
        List<PodInfo> sorted = new ArrayList<>(pods);
        sorted.sort(LIVELIEST);
        this.pods = List.copyOf(sorted);
        this.owners = Map.copyOf(owners);
        this.endpointIps = Map.copyOf(endpointIps);
        this.workloadAnnotations = Map.copyOf(workloadAnnotations);
        for (PodInfo p : this.pods) {
            if (!p.hostNetwork() && !p.ip().isEmpty()) {
                podsByIp.putIfAbsent(p.ip(), p); // sorted: the liveliest pod wins the IP
            }
            workloads.put(p.key(), Ownership.resolve(p, this::controllerOf));
        }
        for (ServiceInfo s : services) {
            servicesByName.put(s.namespace() + "/" + s.name(), s);
            for (String ip : s.clusterIps()) {
                if (!ip.isEmpty() && !"None".equals(ip)) {
                    servicesByIp.put(ip, s);
                }
            }
        }
        for (NodeInfo n : nodes) {
            for (String a : n.addresses()) {
                nodesByIp.put(a, n);
            }
        }
    }

    public static ClusterSnapshot empty() {
        return new ClusterSnapshot(List.of(), List.of(), Map.of(), List.of(), Map.of(), Map.of());
    }

    static String ownerKey(String namespace, OwnerRef ref) {
        return namespace + "/" + ref.kind() + "/" + ref.name();
    }

    private Optional<OwnerRef> controllerOf(String namespace, OwnerRef ref) {
        return Optional.ofNullable(owners.get(ownerKey(namespace, ref)));
    }

    public List<PodInfo> pods() {
        return pods;
    }

    public Optional<PodInfo> podByIp(String ip) {
        return Optional.ofNullable(podsByIp.get(ip));
    }

    public Optional<ServiceInfo> serviceByIp(String ip) {
        return Optional.ofNullable(servicesByIp.get(ip));
    }

    public Optional<ServiceInfo> service(String namespace, String name) {
        return Optional.ofNullable(servicesByName.get(namespace + "/" + name));
    }

    public List<PodInfo> backends(ServiceInfo service) {
        List<String> ips = endpointIps.get(service.namespace() + "/" + service.name());
        List<PodInfo> out = new ArrayList<>();
        if (ips != null && !ips.isEmpty()) {
            for (String ip : ips) {
                podByIp(ip).ifPresent(out::add);
            }
            return out;
        }
        for (PodInfo p : pods) {
            if (service.selects(p) && !p.finished()) {
                out.add(p);
            }
        }
        return out;
    }

    public Optional<NodeInfo> nodeByIp(String ip) {
        return Optional.ofNullable(nodesByIp.get(ip));
    }

    public WorkloadRef workloadOf(PodInfo pod) {
        WorkloadRef w = workloads.get(pod.key());
        return w != null ? w : Ownership.resolve(pod, this::controllerOf);
    }

    public Map<String, String> workloadAnnotations(WorkloadRef workload) {
        return workloadAnnotations.getOrDefault(workload, Map.of());
    }
}
