package io.meshlens.exporter;

/** The exporter's version; it ships together with the proxy of the same version (a test keeps them equal). */
public final class ExporterVersion {
    public static final String VERSION = "0.1.0";

    private ExporterVersion() {}
}
