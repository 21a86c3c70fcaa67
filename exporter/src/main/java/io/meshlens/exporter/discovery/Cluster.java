package io.meshlens.exporter.discovery;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The exporter's view of the cluster, behind a small cache interface so that the Kubernetes
 * informers and the static inventory feed the same code. Every method answers from memory and
 * never blocks on the API server.
 */
public interface Cluster extends AutoCloseable {
    /** Every known pod, any phase (evicted and completed ones included). */
    Collection<PodInfo> pods();

    /** The pod (not host-network) with this IP, preferring a running one. */
    Optional<PodInfo> podByIp(String ip);

    /** The service with this cluster IP. */
    Optional<ServiceInfo> serviceByIp(String ip);

    Optional<ServiceInfo> service(String namespace, String name);

    /** The pods backing a service (EndpointSlices in Kubernetes, the selector otherwise). */
    List<PodInfo> backends(ServiceInfo service);

    /** The node owning this address (host-network traffic). */
    Optional<NodeInfo> nodeByIp(String ip);

    /** The workload that owns the pod ({@link Ownership}). */
    WorkloadRef workloadOf(PodInfo pod);

    /** Annotations of a workload object (SLO overrides), empty when unknown. */
    Map<String, String> workloadAnnotations(WorkloadRef workload);

    /**
     * The current state of the view as an object that stays the same ({@code ==}) for as long
     * as every answer above stays the same, so that what was derived from the answers (the
     * enricher's resolved series) can be reused until it changes. The default, a new object on
     * every call, means "may have changed".
     */
    default Object version() {
        return new Object();
    }

    /** Whether the initial listing of every source is done. */
    boolean synced();

    /** Empty when healthy, else why the view may be stale (e.g. the API server is unreachable). */
    String degradedReason();

    @Override
    default void close() {}
}
