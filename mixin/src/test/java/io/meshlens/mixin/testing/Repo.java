package io.meshlens.mixin.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root the tests read (set by Maven as {@code meshlens.root}, else found upwards). */
public final class Repo {
    private Repo() {}

    public static Path root() {
        String prop = System.getProperty("meshlens.root");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("jsonnet"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no jsonnet/ above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
