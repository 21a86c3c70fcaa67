package io.meshlens.exporter.live;

/** A pod's TCP figures: open connections now (a gauge) and bytes read/written (counters). */
public final class PodTcp {
    double open;
    double readBytes;
    double writeBytes;

    public double open() {
        return open;
    }

    public double readBytes() {
        return readBytes;
    }

    public double writeBytes() {
        return writeBytes;
    }
}
