package io.meshlens.exporter.discovery;

import static java.util.Objects.requireNonNull;

/** A controller owner reference as Kubernetes writes it: {@code kind} is capitalised ({@code ReplicaSet}). */
public record OwnerRef(String kind, String name) {
    public OwnerRef {
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
    }
}
