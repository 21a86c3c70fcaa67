package io.meshlens.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the kernel says about a container's main process (read from the host's /proc, not from
 * the options podman was given): its uid and gid, and its effective capabilities.
 */
record ContainerProcess(long uid, long gid, long effectiveCapabilities) {

    static ContainerProcess of(Podman.Container c) {
        String pid = c.inspect("{{.State.Pid}}");
        try {
            List<String> status = Files.readAllLines(Path.of("/proc", pid, "status"));
            return new ContainerProcess(field(status, "Uid:"), field(status, "Gid:"),
                    Long.parseUnsignedLong(value(status, "CapEff:"), 16));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/status of container " + c.id, e);
        }
    }

    private static long field(List<String> status, String key) {
        return Long.parseLong(value(status, key).split("\\s+")[1]); // real, effective, saved, fs: the effective one
    }

    private static String value(List<String> status, String key) {
        return status.stream().filter(l -> l.startsWith(key)).findFirst().orElseThrow().substring(key.length()).strip();
    }
}
