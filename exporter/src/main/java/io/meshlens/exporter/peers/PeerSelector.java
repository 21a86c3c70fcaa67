package io.meshlens.exporter.peers;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.meshlens.exporter.discovery.Cluster;
import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.scrape.Hosts;

/**
 * Finds the peer exporters of a DaemonSet-mode exporter in its own pod view: the pods of its
 * namespace that carry its labels, one per other node. Every peer listens on this exporter's own
 * API port (they run the same pod template). A node with running meshed pods but no exporter pod
 * is listed too, as a peer that cannot be asked, so that an answer without it says so.
 */
public final class PeerSelector {
    private final String namespace;
    private final Map<String, String> labels;
    private final String ownNode;
    private final int port;

    public PeerSelector(String namespace, Map<String, String> labels, String ownNode, int port) {
        this.namespace = requireNonNull(namespace, "namespace");
        this.labels = Map.copyOf(labels);
        this.ownNode = requireNonNull(ownNode, "ownNode");
        this.port = port;
    }

    /** The peers to ask, by node; at most one per node (a running one wins over one on its way). */
    public List<PeerExporter> peers(Cluster cluster) {
        Map<String, PodInfo> byNode = new TreeMap<>();
        Set<String> meshedNodes = new TreeSet<>();
        for (PodInfo p : cluster.pods()) {
            if (p.scrapeable() && !p.node().isEmpty()) {
                meshedNodes.add(p.node());
            }
            if (!isPeer(p)) {
                continue;
            }
            PodInfo seen = byNode.get(p.node());
            if (seen == null || (!usable(seen) && usable(p))) {
                byNode.put(p.node(), p);
            }
        }
        List<PeerExporter> out = new ArrayList<>();
        byNode.forEach((node, p) -> out.add(usable(p)
                ? new PeerExporter(p.key(), node, Hosts.hostPort(p.ip(), port), "")
                : new PeerExporter(p.key(), node, "", "exporter pod " + p.key() + " is " + p.state()
                        + (p.ip().isEmpty() ? " without an IP" : ""))));
        for (String node : meshedNodes) {
            if (!node.equals(ownNode) && !byNode.containsKey(node)) {
                out.add(new PeerExporter("", node, "", "no exporter pod (labels " + labels + " in namespace " + namespace
                        + ") on this node, which runs meshed pods"));
            }
        }
        return out;
    }

    private boolean isPeer(PodInfo p) {
        if (!namespace.equals(p.namespace()) || p.node().isEmpty() || p.node().equals(ownNode) || p.finished()) {
            return false;
        }
        for (var e : labels.entrySet()) {
            if (!e.getValue().equals(p.labels().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean usable(PodInfo p) {
        return !p.ip().isEmpty() && "Running".equals(p.phase()) && !p.terminating();
    }
}
