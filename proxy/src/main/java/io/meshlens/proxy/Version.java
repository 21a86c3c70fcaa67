package io.meshlens.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The proxy version, reported in {@code meshlens_proxy_info}: the project version (the root pom's
 * {@code revision}), which also tags the images and is what {@code meshlens inject} writes.
 */
public final class Version {
    public static final String VERSION = read(Version.class, "version.properties");

    private Version() {}

    /** The {@code version} of the properties file NAME next to OWNER, as Maven filtered it. */
    public static String read(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(owner.getName() + ": " + name + " is missing from the classpath (expected: "
                        + "written by Maven from src/main/version; hint: build with mvn, not only the IDE)");
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version", "");
            if (!version.matches("\\d+\\.\\d+\\.\\d+[-.\\w]*")) {
                throw new IllegalStateException(owner.getName() + ": version '" + version + "' in " + name
                        + " (expected: the project version, e.g. 0.1.0; hint: resource filtering did not run)");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
