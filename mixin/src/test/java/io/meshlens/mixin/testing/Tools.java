package io.meshlens.mixin.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ecosystem's binaries the tests run (Prometheus 3, promtool, Alertmanager, amtool, jb, the
 * linters): this checkout's pinned build in {@code .tools/bin} (scripts/tools.sh), else the PATH.
 * A distribution's older Prometheus (Debian's 2.42) is never picked over the pinned one.
 */
public final class Tools {
    private Tools() {}

    /** The absolute path of {@code name}; fails with the command that builds it when it is missing. */
    public static String path(String name) {
        Path pinned = Repo.root().resolve(".tools/bin").resolve(name);
        if (Files.isExecutable(pinned)) {
            return pinned.toString();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("no '" + name + "' in " + pinned.getParent() + " or on the PATH (expected the pinned build)."
                + " Hint: bash scripts/tools.sh (or scripts/setup.sh) builds it");
    }
}
