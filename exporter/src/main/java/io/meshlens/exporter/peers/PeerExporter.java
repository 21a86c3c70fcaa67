package io.meshlens.exporter.peers;

import static java.util.Objects.requireNonNull;

/**
 * Another exporter of the same install, serving the live window of its node's pods.
 *
 * @param pod {@code namespace/name} of the exporter pod, empty for a node that has none
 * @param address {@code ip:port} of its API, empty when it cannot be reached (no IP yet, not running)
 * @param unusable why it is not asked, empty when it is
 */
public record PeerExporter(String pod, String node, String address, String unusable) {
    public PeerExporter {
        requireNonNull(pod, "pod");
        requireNonNull(node, "node");
        requireNonNull(address, "address");
        requireNonNull(unusable, "unusable");
    }
}
