package io.meshlens.mixin.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a Docker daemon is configured here, checked without Testcontainers (whose own check
 * logs an ERROR with a stack of strategies before a test is skipped): {@code DOCKER_HOST} or the
 * default socket. Where neither exists, container tests are skipped quietly with this reason.
 */
public final class Docker {
    public static final String NEEDED = "needs Docker (DOCKER_HOST or /var/run/docker.sock); see README.md, Two commands";

    private Docker() {}

    public static boolean available() {
        String host = System.getenv("DOCKER_HOST");
        return (host != null && !host.isBlank()) || Files.exists(Path.of("/var/run/docker.sock"));
    }
}
