package io.meshlens.proxy.metrics;

/** Which side of the pod a request or connection belongs to; the {@code direction} label. */
public enum Direction {
    INBOUND("inbound"), OUTBOUND("outbound");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
