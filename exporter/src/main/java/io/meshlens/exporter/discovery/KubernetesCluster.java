package io.meshlens.exporter.discovery;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The cluster as fabric8 informers see it: Pods, ReplicaSets, Deployments, StatefulSets,
 * DaemonSets, Jobs, CronJobs, Services, EndpointSlices and Nodes, each watched cluster-wide.
 * Every event marks the view dirty; the indexed {@link ClusterSnapshot} is rebuilt at most once
 * per query burst. Informers reconnect by themselves when the API server goes away; meanwhile
 * the last known state keeps answering and {@link #degradedReason()} says so.
 *
 * <p>Why every pod, even in DaemonSet mode: naming a caller needs the pod index of the whole
 * cluster (callers run on other nodes); only scraping is limited to the local node.
 */
public final class KubernetesCluster extends SnapshotCluster {
    private static final Logger log = LoggerFactory.getLogger(KubernetesCluster.class);
    private static final long RESYNC_MILLIS = 0; // no periodic resync: watches deliver every change

    /** Receives one count per informer event: (resource, event) with event add/update/delete. */
    public interface EventCounter extends BiConsumer<String, String> {}

    private final List<Named<?>> informers = new ArrayList<>();
    private final Named<Pod> pods;
    private final Named<ReplicaSet> replicaSets;
    private final Named<Deployment> deployments;
    private final Named<StatefulSet> statefulSets;
    private final Named<DaemonSet> daemonSets;
    private final Named<Job> jobs;
    private final Named<CronJob> cronJobs;
    private final Named<Service> services;
    private final Named<EndpointSlice> endpointSlices;
    private final Named<Node> nodes;
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private final EventCounter events;
    private volatile ClusterSnapshot snapshot = ClusterSnapshot.empty();

    private record Named<T extends HasMetadata>(String resource, SharedIndexInformer<T> informer) {
        List<T> list() {
            return informer.getStore().list();
        }
    }

    private KubernetesCluster(KubernetesClient client, EventCounter events) {
        this.events = requireNonNull(events, "events");
        pods = watch("pods", client.pods().inAnyNamespace());
        replicaSets = watch("replicasets", client.apps().replicaSets().inAnyNamespace());
        deployments = watch("deployments", client.apps().deployments().inAnyNamespace());
        statefulSets = watch("statefulsets", client.apps().statefulSets().inAnyNamespace());
        daemonSets = watch("daemonsets", client.apps().daemonSets().inAnyNamespace());
        jobs = watch("jobs", client.batch().v1().jobs().inAnyNamespace());
        cronJobs = watch("cronjobs", client.batch().v1().cronjobs().inAnyNamespace());
        services = watch("services", client.services().inAnyNamespace());
        endpointSlices = watch("endpointslices", client.discovery().v1().endpointSlices().inAnyNamespace());
        nodes = watch("nodes", client.nodes());
    }

    /**
     * Starts every informer without waiting; {@link #synced()} turns true once all have listed.
     * The returned future completes at that moment.
     */
    public static KubernetesCluster start(KubernetesClient client, EventCounter events) {
        KubernetesCluster c = new KubernetesCluster(requireNonNull(client, "client"), events);
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (Named<?> n : c.informers) {
            started.add(n.informer().start().toCompletableFuture());
        }
        CompletableFuture.allOf(started.toArray(new CompletableFuture[0])).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("informers failed to start: {}", e.toString());
            } else {
                log.info("informers synced: {} pods, {} services", c.pods.list().size(), c.services.list().size());
            }
        });
        return c;
    }

    private <T extends HasMetadata> Named<T> watch(String resource, Informable<T> source) {
        SharedIndexInformer<T> informer = source.runnableInformer(RESYNC_MILLIS);
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                changed(resource, "add");
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                changed(resource, "update");
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                changed(resource, "delete");
            }
        });
        Named<T> n = new Named<>(resource, informer);
        informers.add(n);
        return n;
    }

    private void changed(String resource, String event) {
        dirty.set(true);
        try {
            events.accept(resource, event);
        } catch (RuntimeException e) {
            log.debug("event counter failed", e);
        }
    }

    @Override
    protected ClusterSnapshot snapshot() {
        if (dirty.compareAndSet(true, false)) {
            try {
                snapshot = build();
            } catch (RuntimeException e) {
                // A malformed object must not take identity down: keep the previous view.
                dirty.set(true);
                log.warn("rebuilding the cluster view failed, keeping the previous one", e);
            }
        }
        return snapshot;
    }

    private ClusterSnapshot build() {
        List<PodInfo> podInfos = new ArrayList<>();
        for (Pod p : pods.list()) {
            podInfos.add(toPodInfo(p));
        }
        Map<String, OwnerRef> owners = new HashMap<>();
        for (ReplicaSet rs : replicaSets.list()) {
            putOwner(owners, "ReplicaSet", rs);
        }
        for (Job j : jobs.list()) {
            putOwner(owners, "Job", j);
        }
        Map<WorkloadRef, Map<String, String>> annotations = new HashMap<>();
        annotate(annotations, "deployment", deployments.list());
        annotate(annotations, "statefulset", statefulSets.list());
        annotate(annotations, "daemonset", daemonSets.list());
        annotate(annotations, "cronjob", cronJobs.list());
        annotate(annotations, "job", jobs.list());
        annotate(annotations, "replicaset", replicaSets.list());
        List<ServiceInfo> serviceInfos = new ArrayList<>();
        for (Service s : services.list()) {
            var spec = s.getSpec();
            List<String> ips = new ArrayList<>();
            if (spec != null && spec.getClusterIP() != null) {
                ips.add(spec.getClusterIP());
            }
            if (spec != null && spec.getClusterIPs() != null) {
                ips.addAll(spec.getClusterIPs()); // dual-stack services list both families here
            }
            serviceInfos.add(new ServiceInfo(s.getMetadata().getNamespace(), s.getMetadata().getName(), ips,
                    spec == null ? Map.of() : spec.getSelector()));
        }
        Map<String, List<String>> endpointIps = new HashMap<>();
        for (EndpointSlice es : endpointSlices.list()) {
            var labels = es.getMetadata().getLabels();
            String svc = labels == null ? null : labels.get("kubernetes.io/service-name");
            if (svc == null || es.getEndpoints() == null) {
                continue;
            }
            List<String> ips = endpointIps.computeIfAbsent(es.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>());
            for (Endpoint e : es.getEndpoints()) {
                if (e.getAddresses() != null) {
                    ips.addAll(e.getAddresses());
                }
            }
        }
        List<NodeInfo> nodeInfos = new ArrayList<>();
        for (Node n : nodes.list()) {
            List<String> addrs = new ArrayList<>();
            if (n.getStatus() != null && n.getStatus().getAddresses() != null) {
                for (NodeAddress a : n.getStatus().getAddresses()) {
                    if ("InternalIP".equals(a.getType()) || "ExternalIP".equals(a.getType())) {
                        addrs.add(a.getAddress());
                    }
                }
            }
            nodeInfos.add(new NodeInfo(n.getMetadata().getName(), addrs));
        }
        return new ClusterSnapshot(podInfos, serviceInfos, endpointIps, nodeInfos, owners, annotations);
    }

    static PodInfo toPodInfo(Pod p) {
        var md = p.getMetadata();
        var status = p.getStatus();
        var spec = p.getSpec();
        boolean ready = false;
        if (status != null && status.getConditions() != null) {
            for (PodCondition c : status.getConditions()) {
                if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
                    ready = true;
                }
            }
        }
        return new PodInfo(md.getNamespace(), md.getName(), status == null ? "" : status.getPodIP(),
                spec == null ? "" : spec.getNodeName(), status == null ? null : status.getPhase(),
                status == null ? "" : status.getReason(),
                spec != null && Boolean.TRUE.equals(spec.getHostNetwork()), md.getDeletionTimestamp() != null, ready,
                md.getLabels(), md.getAnnotations(), controller(md.getOwnerReferences()));
    }

    private static OwnerRef controller(List<OwnerReference> refs) {
        if (refs == null) {
            return null;
        }
        for (OwnerReference r : refs) {
            if (Boolean.TRUE.equals(r.getController())) {
                return new OwnerRef(r.getKind(), r.getName());
            }
        }
        return refs.isEmpty() ? null : new OwnerRef(refs.get(0).getKind(), refs.get(0).getName());
    }

    private static void putOwner(Map<String, OwnerRef> owners, String kind, HasMetadata obj) {
        OwnerRef parent = controller(obj.getMetadata().getOwnerReferences());
        if (parent != null) {
            owners.put(ClusterSnapshot.ownerKey(obj.getMetadata().getNamespace(), new OwnerRef(kind, obj.getMetadata().getName())), parent);
        }
    }

    private static void annotate(Map<WorkloadRef, Map<String, String>> out, String kind, List<? extends HasMetadata> objs) {
        for (HasMetadata o : objs) {
            var a = o.getMetadata().getAnnotations();
            if (a != null && !a.isEmpty()) {
                out.put(new WorkloadRef(kind, o.getMetadata().getNamespace(), o.getMetadata().getName()), Map.copyOf(a));
            }
        }
    }

    @Override
    public boolean synced() {
        for (Named<?> n : informers) {
            if (!n.informer().hasSynced()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String degradedReason() {
        if (!synced()) {
            List<String> waiting = new ArrayList<>();
            for (Named<?> n : informers) {
                if (!n.informer().hasSynced()) {
                    waiting.add(n.resource());
                }
            }
            return "waiting for the first list of " + String.join(", ", waiting);
        }
        List<String> down = new ArrayList<>();
        for (Named<?> n : informers) {
            if (!n.informer().isWatching()) {
                down.add(n.resource());
            }
        }
        return down.isEmpty() ? "" : "Kubernetes API unreachable (watches down: " + String.join(", ", down)
                + "); serving the last known state";
    }

    @Override
    public void close() {
        for (Named<?> n : informers) {
            n.informer().close();
        }
    }
}
