package io.meshlens.exporter.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the scheduler and a kubelet would write for a pod on a control plane that has neither:
 * the binding to a node, then the status (phase, IPs, conditions, container states) through the
 * status subresource.
 */
public final class Kubelet {
    private final KubernetesClient admin;

    public Kubelet(KubernetesClient admin) {
        this.admin = admin;
    }

    /**
     * Registers a Ready node, as its kubelet would, and removes the not-ready taint admission put
     * on it, as the node-lifecycle controller does for a Ready node (DaemonSet pods do not
     * tolerate that taint for scheduling).
     */
    public void addNode(String name) {
        Node n = admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        String now = Instant.now().toString();
        n.setStatus(new NodeStatusBuilder().addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition().build());
        admin.nodes().resource(n).updateStatus();
        admin.nodes().withName(name).edit(x -> {
            x.getSpec().setTaints(new ArrayList<>());
            return x;
        });
    }

    /** The node a DaemonSet's pod names in its required node affinity, else {@code otherwise}. */
    public static String daemonSetNode(Pod p, String otherwise) {
        var affinity = p.getSpec().getAffinity();
        if (affinity == null || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return otherwise;
        }
        return affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().get(0)
                .getMatchFields().get(0).getValues().get(0);
    }

    /** Binds the pod to the node, as the scheduler does. */
    public void bind(Pod pod, String node) {
        admin.bindings().inNamespace(pod.getMetadata().getNamespace()).resource(new BindingBuilder().withNewMetadata()
                .withName(pod.getMetadata().getName()).endMetadata()
                .withNewTarget().withApiVersion("v1").withKind("Node").withName(node).endTarget().build()).create();
    }

    /** Running and Ready with this IP: every container started and ready. */
    public Pod run(Pod pod, String ip, String hostIp) {
        String now = Instant.now().toString();
        List<ContainerStatus> init = new ArrayList<>();
        for (Container c : pod.getSpec().getInitContainers()) {
            boolean sidecar = "Always".equals(c.getRestartPolicy());
            ContainerStatusBuilder b = base(c).withReady(sidecar).withStarted(sidecar);
            init.add(sidecar ? b.withNewState().withNewRunning(now).endState().build()
                    : b.withNewState().withNewTerminated().withExitCode(0).withReason("Completed").withStartedAt(now).withFinishedAt(now)
                            .endTerminated().endState().build());
        }
        List<ContainerStatus> regular = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            regular.add(base(c).withReady(true).withStarted(true).withNewState().withNewRunning(now).endState().build());
        }
        return status(pod, new PodStatusBuilder().withPhase("Running").withPodIP(ip).addNewPodIP(ip).withHostIP(hostIp)
                .addNewHostIP(hostIp).withStartTime(now)
                .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(now).endCondition()
                .addNewCondition().withType("Initialized").withStatus("True").withLastTransitionTime(now).endCondition()
                .addNewCondition().withType("ContainersReady").withStatus("True").withLastTransitionTime(now).endCondition()
                .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now).endCondition()
                .withInitContainerStatuses(init).withContainerStatuses(regular).build());
    }

    /** Evicted by the kubelet under node pressure: Failed, reason Evicted, IP released. */
    public Pod evict(Pod pod) {
        Pod live = admin.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
        PodStatus s = new PodStatusBuilder(live.getStatus()).withPhase("Failed").withReason("Evicted")
                .withMessage("The node was low on resource: memory.").withPodIP(null).withPodIPs(List.of()).build();
        s.getConditions().forEach(c -> {
            if (c.getType().equals("Ready") || c.getType().equals("ContainersReady")) {
                c.setStatus("False");
            }
        });
        return status(live, s);
    }

    /** Every container exited 0: Succeeded. */
    public Pod complete(Pod pod) {
        Pod live = admin.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
        String now = Instant.now().toString();
        List<ContainerStatus> done = new ArrayList<>();
        for (ContainerStatus c : live.getStatus().getContainerStatuses()) {
            done.add(new ContainerStatusBuilder(c).withReady(false).withStarted(false).withNewState().withNewTerminated().withExitCode(0)
                    .withReason("Completed").withStartedAt(now).withFinishedAt(now).endTerminated().endState().build());
        }
        PodStatus s = new PodStatusBuilder(live.getStatus()).withPhase("Succeeded").withContainerStatuses(done).build();
        s.getConditions().forEach(c -> {
            if (c.getType().equals("Ready") || c.getType().equals("ContainersReady")) {
                c.setStatus("False");
            }
        });
        return status(live, s);
    }

    private static ContainerStatusBuilder base(Container c) {
        return new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withImageID("").withRestartCount(0);
    }

    private Pod status(Pod pod, PodStatus status) {
        Pod live = admin.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
        live.setStatus(status);
        return admin.pods().inNamespace(pod.getMetadata().getNamespace()).resource(live).updateStatus();
    }
}
