package io.meshlens.exporter.discovery;

import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a pod to the workload people name it by: Pod -> ReplicaSet -> Deployment,
 * Pod -> Job -> CronJob, StatefulSet, DaemonSet, or the bare Pod. A pure function of the pod and
 * an owner lookup, so it is tested without any cluster. It never fails: a pod whose owners are
 * not (yet) known resolves to the nearest owner it can name, and an evicted or completed pod
 * resolves exactly like a running one.
 */
public final class Ownership {
    /** Finds the controller owner of an owner object, if that object is known. */
    @FunctionalInterface
    public interface OwnerLookup {
        Optional<OwnerRef> controllerOf(String namespace, OwnerRef object);
    }

    private static final String POD_TEMPLATE_HASH = "pod-template-hash";
    private static final int MAX_DEPTH = 8;

    private Ownership() {}

    public static WorkloadRef resolve(PodInfo pod, OwnerLookup lookup) {
        OwnerRef current = pod.owner();
        if (current == null) {
            return new WorkloadRef("pod", pod.namespace(), pod.name());
        }
        Set<OwnerRef> seen = new HashSet<>();
        for (int depth = 0; depth < MAX_DEPTH && seen.add(current); depth++) {
            Optional<OwnerRef> parent = lookup.controllerOf(pod.namespace(), current);
            if (parent.isEmpty()) {
                parent = inferParent(pod, current);
            }
            if (parent.isEmpty()) {
                break;
            }
            current = parent.get();
        }
        return new WorkloadRef(current.kind().toLowerCase(Locale.ROOT), pod.namespace(), current.name());
    }

    /**
     * When the ReplicaSet is not in the cache yet (informers race), its Deployment is still known
     * by name: Kubernetes names a Deployment's ReplicaSets {@code <deployment>-<pod-template-hash>}.
     */
    private static Optional<OwnerRef> inferParent(PodInfo pod, OwnerRef owner) {
        String hash = pod.labels().get(POD_TEMPLATE_HASH);
        if ("ReplicaSet".equals(owner.kind()) && hash != null && owner.name().endsWith("-" + hash)) {
            return Optional.of(new OwnerRef("Deployment", owner.name().substring(0, owner.name().length() - hash.length() - 1)));
        }
        return Optional.empty();
    }
}
