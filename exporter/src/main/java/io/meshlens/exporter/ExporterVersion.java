package io.meshlens.exporter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The exporter's version: the project version (Maven writes it into {@code version.properties}
 * from src/main/version). It ships together with the proxy of the same version (a test keeps
 * them equal).
 */
public final class ExporterVersion {
    public static final String VERSION = load();

    private ExporterVersion() {}

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = ExporterVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version", "");
        if (v.isEmpty() || v.startsWith("$")) {
            throw new IllegalStateException("io/meshlens/exporter/version.properties: version '" + v
                    + "' (expected: the project version filled in by Maven; hint: build with mvn)");
        }
        return v;
    }
}
