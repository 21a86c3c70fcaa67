package io.meshlens.exporter.peers;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

import io.meshlens.exporter.live.LiveWindow.Delta;

/**
 * What one exporter knows on its own: the live window of the pods it scrapes and their rows of
 * {@code /api/v1/proxies}. Exporters of a DaemonSet exchange these ({@code /api/v1/shard}).
 *
 * @param node the node whose pods these are, empty for an exporter that scrapes every node
 */
public record Shard(String node, Delta delta, List<Map<String, Object>> proxies) {
    public Shard {
        requireNonNull(node, "node");
        requireNonNull(delta, "delta");
        proxies = List.copyOf(proxies);
    }
}
