package io.meshlens.exporter.discovery;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link Cluster} answering every query from the current {@link ClusterSnapshot}. */
abstract class SnapshotCluster implements Cluster {
    /** The snapshot to answer from; implementations rebuild it when their source changes. */
    protected abstract ClusterSnapshot snapshot();

    /** The snapshot itself: a new one is built whenever the source changed. */
    @Override
    public Object version() {
        return snapshot();
    }

    @Override
    public Collection<PodInfo> pods() {
        return snapshot().pods();
    }

    @Override
    public Optional<PodInfo> podByIp(String ip) {
        return snapshot().podByIp(ip);
    }

    @Override
    public Optional<ServiceInfo> serviceByIp(String ip) {
        return snapshot().serviceByIp(ip);
    }

    @Override
    public Optional<ServiceInfo> service(String namespace, String name) {
        return snapshot().service(namespace, name);
    }

    @Override
    public List<PodInfo> backends(ServiceInfo service) {
        return snapshot().backends(service);
    }

    @Override
    public Optional<NodeInfo> nodeByIp(String ip) {
        return snapshot().nodeByIp(ip);
    }

    @Override
    public WorkloadRef workloadOf(PodInfo pod) {
        return snapshot().workloadOf(pod);
    }

    @Override
    public Map<String, String> workloadAnnotations(WorkloadRef workload) {
        return snapshot().workloadAnnotations(workload);
    }
}
