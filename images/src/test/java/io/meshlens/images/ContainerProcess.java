package io.meshlens.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the kernel says about a container's main process (read from the host's /proc, not from
 * the options podman was given): its uid and gid, its effective capabilities, and what it maps.
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

    /** The files the process has mapped into memory (/proc/PID/maps), as the container sees their paths. */
    static Set<String> mappedFiles(Podman.Container c) {
        String pid = c.inspect("{{.State.Pid}}");
        try (Stream<String> maps = Files.lines(Path.of("/proc", pid, "maps"))) {
            // address perms offset dev inode [path]
            return maps.map(l -> l.split("\\s+", 6)).filter(f -> f.length == 6 && f[5].startsWith("/"))
                    .map(f -> f[5]).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/maps of container " + c.id, e);
        }
    }

    private static long field(List<String> status, String key) {
        return Long.parseLong(value(status, key).split("\\s+")[1]); // real, effective, saved, fs: the effective one
    }

    private static String value(List<String> status, String key) {
        return status.stream().filter(l -> l.startsWith(key)).findFirst().orElseThrow().substring(key.length()).strip();
    }
}
