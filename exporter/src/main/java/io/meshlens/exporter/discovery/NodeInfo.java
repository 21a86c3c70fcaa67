package io.meshlens.exporter.discovery;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A node and its addresses, used to name traffic from and to host-network pods. */
public record NodeInfo(String name, List<String> addresses) {
    public NodeInfo {
        requireNonNull(name, "name");
        addresses = List.copyOf(addresses == null ? List.of() : addresses);
    }
}
