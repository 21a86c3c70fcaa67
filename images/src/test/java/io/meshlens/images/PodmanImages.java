package io.meshlens.images;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test a {@link Podman} store with every meshlens image loaded from {@code .images/},
 * shared by all tests of the run and removed at its end. Where podman cannot run at all the tests
 * are skipped, saying why; a missing image tarball fails them (scripts/test.sh always builds them).
 */
final class PodmanImages implements ParameterResolver {
    /** The images the build produces, by the name of their tarball in .images/. */
    static final List<String> IMAGES = List.of("proxy", "exporter", "cli", "demo", "proxy-init");

    static String version() {
        return System.getProperty("meshlens.version");
    }

    static String image(String name) {
        return "ghcr.io/meshlens/" + name + ":" + version();
    }

    static Path tarball(String name) {
        return Paths.get(System.getProperty("meshlens.images", "../.images")).resolve(name + ".tar");
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Podman.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        Store store = e.getRoot().getStore(ExtensionContext.Namespace.create(PodmanImages.class))
                .getOrComputeIfAbsent("podman", k -> Store.open(), Store.class);
        Assumptions.assumeTrue(store.podman != null, () -> "podman cannot run on this machine, skipping the image tests: "
                + store.why + " (CI machines of this kind run them; see docs/install.md)");
        return store.podman;
    }

    /** The store, closed by JUnit at the end of the run. */
    static final class Store implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final Podman podman;
        final String why;

        private Store(Podman podman, String why) {
            this.podman = podman;
            this.why = why;
        }

        static Store open() {
            Podman podman;
            try {
                podman = Podman.start();
            } catch (Exception e) {
                return new Store(null, e.getMessage());
            }
            IMAGES.forEach(name -> podman.load(tarball(name)));
            return new Store(podman, null);
        }

        @Override
        public void close() {
            if (podman != null) {
                podman.close();
            }
        }
    }
}
