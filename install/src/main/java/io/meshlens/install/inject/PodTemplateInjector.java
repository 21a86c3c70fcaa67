package io.meshlens.install.inject;

import static io.meshlens.install.inject.MeshlensNames.ADMIN_PORT;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import io.meshlens.install.intercept.InterceptionRules;
import io.meshlens.install.intercept.PortRanges;

/**
 * Adds the proxy, the init container, their volumes, the label and annotations the exporter reads
 * (docs/conventions.md) to one pod template ({@code metadata} + {@code spec}). Whatever meshlens
 * wrote before is removed first, so injecting twice equals injecting once and a newer inject
 * upgrades an older one in place.
 */
final class PodTemplateInjector {
    private final InjectOptions options;
    private final SidecarContainers sidecars;

    PodTemplateInjector(InjectOptions options) {
        this.options = options;
        this.sidecars = new SidecarContainers(options);
    }

    /**
     * Returns {@code null} when injected, else the reason it was skipped.
     *
     * @param workloadMeta the owning workload's metadata (annotations like {@code meshlens.io/inject}), may equal the template's
     * @param runToCompletion Jobs, CronJobs and Pods with {@code restartPolicy} other than Always
     */
    String inject(MappingNode template, Node workloadMeta, String workloadName, boolean runToCompletion) throws InjectException {
        Node spec = Nodes.get(template, "spec").orElse(null);
        if (!(spec instanceof MappingNode)) {
            throw new InjectException("the pod template has no spec mapping");
        }
        if (Nodes.text(spec, "hostNetwork").map(v -> v.equalsIgnoreCase("true")).orElse(false)) {
            return "hostNetwork: true (the interception rules would capture the node's own traffic)";
        }
        Node templateMeta = Nodes.get(template, "metadata").orElse(null);
        Optional<String> injectAnnotation = annotation(templateMeta, MeshlensNames.ANNOTATION_INJECT)
                .or(() -> annotation(workloadMeta, MeshlensNames.ANNOTATION_INJECT));
        if (injectAnnotation.map(v -> v.trim().toLowerCase(Locale.ROOT).equals("disabled")).orElse(false)) {
            return MeshlensNames.ANNOTATION_INJECT + ": disabled";
        }
        Node containers = Nodes.get(spec, "containers").orElse(null);
        if (!(containers instanceof SequenceNode)) {
            throw new InjectException("the pod spec has no containers list");
        }
        List<Node> appContainers = new ArrayList<>();
        for (Node c : Nodes.items(containers)) {
            if (!Nodes.text(c, "name").orElse("").equals(MeshlensNames.PROXY_CONTAINER)) {
                appContainers.add(c);
            }
        }
        if (appContainers.isEmpty()) {
            return "no application containers";
        }
        PortRanges skipIn = options.skipInbound();
        PortRanges skipOut = options.skipOutbound();
        try {
            Optional<String> a = annotation(templateMeta, MeshlensNames.ANNOTATION_SKIP_INBOUND)
                    .or(() -> annotation(workloadMeta, MeshlensNames.ANNOTATION_SKIP_INBOUND));
            if (a.isPresent()) {
                skipIn = PortRanges.parse(a.get());
            }
            Optional<String> b = annotation(templateMeta, MeshlensNames.ANNOTATION_SKIP_OUTBOUND)
                    .or(() -> annotation(workloadMeta, MeshlensNames.ANNOTATION_SKIP_OUTBOUND));
            if (b.isPresent()) {
                skipOut = PortRanges.parse(b.get());
            }
        } catch (IllegalArgumentException e) {
            throw new InjectException(e.getMessage(), e);
        }
        List<Integer> appPorts = tcpPorts(appContainers);

        MappingNode specW = (MappingNode) spec;
        boolean nativeSidecar = options.nativeSidecar() == InjectOptions.NativeSidecar.ALWAYS
                || (options.nativeSidecar() == InjectOptions.NativeSidecar.AUTO && runToCompletion);

        // Remove what an earlier inject wrote.
        SequenceNode containersW = Nodes.sequenceForWrite(specW, "containers");
        containersW.getValue().removeIf(PodTemplateInjector::isMeshlensContainer);
        Optional<Node> inits = Nodes.get(specW, "initContainers");
        if (inits.isPresent() && inits.get() instanceof SequenceNode) {
            SequenceNode initsW = Nodes.sequenceForWrite(specW, "initContainers");
            initsW.getValue().removeIf(PodTemplateInjector::isMeshlensContainer);
        }
        Optional<Node> vols = Nodes.get(specW, "volumes");
        if (vols.isPresent() && vols.get() instanceof SequenceNode) {
            SequenceNode volsW = Nodes.sequenceForWrite(specW, "volumes");
            volsW.getValue().removeIf(v -> Nodes.text(v, "name").orElse("").startsWith(MeshlensNames.VOLUME_PREFIX));
        }

        InterceptionRules rules = InterceptionRules.builder()
                .proxyUid(options.proxyUid())
                .inboundPorts(PortRanges.ofPorts(appPorts))
                .skipInboundPorts(skipIn)
                .skipOutboundPorts(skipOut)
                .build();
        SequenceNode initsW = Nodes.sequenceForWrite(specW, "initContainers");
        Node proxy = sidecars.proxy(workloadName, appPorts.isEmpty() ? null : appPorts.get(0), nativeSidecar);
        if (nativeSidecar) {
            // The rules, then the proxy (started before every later container): the app's own
            // init containers already talk through it.
            initsW.getValue().add(0, sidecars.init(rules));
            initsW.getValue().add(1, proxy);
        } else {
            // Last: the app's own init containers run before any redirect exists, since no proxy
            // would be listening for them yet.
            initsW.getValue().add(sidecars.init(rules));
            containersW.getValue().add(0, proxy);
        }
        SequenceNode volsW = Nodes.sequenceForWrite(specW, "volumes");
        volsW.getValue().addAll(sidecars.volumes());

        MappingNode metaW = Nodes.mappingForWrite(template, "metadata");
        MappingNode labels = Nodes.mappingForWrite(metaW, "labels");
        Nodes.put(labels, MeshlensNames.LABEL_MESHED, Nodes.quoted("true"));
        MappingNode annotations = Nodes.mappingForWrite(metaW, "annotations");
        Nodes.put(annotations, MeshlensNames.ANNOTATION_PROXY_VERSION, Nodes.quoted(options.version()));
        Nodes.put(annotations, MeshlensNames.ANNOTATION_ADMIN_PORT, Nodes.quoted(Integer.toString(ADMIN_PORT)));
        if (Nodes.get(annotations, MeshlensNames.ANNOTATION_DEFAULT_CONTAINER).isEmpty()) {
            // kubectl logs/exec keep going to the app, not to the proxy listed first.
            Nodes.put(annotations, MeshlensNames.ANNOTATION_DEFAULT_CONTAINER,
                    Nodes.plain(Nodes.text(appContainers.get(0), "name").orElse("")));
        }
        return null;
    }

    private static boolean isMeshlensContainer(Node c) {
        String name = Nodes.text(c, "name").orElse("");
        return name.equals(MeshlensNames.PROXY_CONTAINER) || name.equals(MeshlensNames.INIT_CONTAINER);
    }

    private static Optional<String> annotation(Node meta, String key) {
        return meta == null ? Optional.empty() : Nodes.path(meta, "annotations").flatMap(a -> Nodes.text(a, key));
    }

    /** The TCP container ports of the app, in order, without duplicates. */
    private static List<Integer> tcpPorts(List<Node> containers) throws InjectException {
        List<Integer> ports = new ArrayList<>();
        for (Node c : containers) {
            for (Node p : Nodes.items(Nodes.get(c, "ports").orElse(null))) {
                String protocol = Nodes.text(p, "protocol").orElse("TCP");
                Optional<String> port = Nodes.text(p, "containerPort");
                if (!protocol.equalsIgnoreCase("TCP") || port.isEmpty()) {
                    continue;
                }
                int n;
                try {
                    n = Integer.parseInt(port.get());
                } catch (NumberFormatException e) {
                    throw new InjectException("containerPort: " + port.get() + " (expected: a number)");
                }
                if (n == MeshlensNames.INBOUND_PORT || n == MeshlensNames.OUTBOUND_PORT || n == ADMIN_PORT) {
                    throw new InjectException("container " + Nodes.text(c, "name").orElse("?") + " uses port " + n
                            + ", which the proxy needs (4140, 4143, 4191)");
                }
                if (n >= 1 && n <= 65535 && !ports.contains(n)) {
                    ports.add(n);
                }
            }
        }
        return ports;
    }
}
