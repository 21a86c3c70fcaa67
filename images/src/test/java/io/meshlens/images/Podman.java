package io.meshlens.images;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's podman with a private store under a temporary folder (removed by {@link #close()}), run
 * the way this kind of machine can: runc (crun fails on hybrid cgroups), host networking (no
 * bridge), and explicit rlimits (podman's defaults are refused).
 */
final class Podman implements AutoCloseable {
    /** What every {@code podman run} gets besides the manifest's settings. */
    static final List<String> RUN_DEFAULTS = List.of("--runtime", "runc",
            "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768");

    private final Path dir;

    private Podman(Path dir) {
        this.dir = dir;
    }

    /** A private store, or the reason podman cannot run here at all. */
    static Podman start() throws IOException {
        Path dir = Files.createTempDirectory("meshlens-podman");
        Podman podman = new Podman(dir);
        Result info = podman.exec(List.of("info", "--format", "{{.Host.OCIRuntime.Name}}"), 120);
        if (info.exit != 0) {
            podman.close();
            throw new IllegalStateException("podman info failed (" + info.exit + "): " + info.output.strip());
        }
        return podman;
    }

    /** {@code podman load -i TARBALL}. */
    void load(Path tarball) {
        requireNonNull(tarball, "tarball");
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("image tarball " + tarball + " does not exist (expected: built by"
                    + " scripts/images.sh; hint: bash scripts/images.sh)");
        }
        check(exec(List.of("load", "-q", "-i", tarball.toString()), 300), "load " + tarball);
    }

    /** {@code podman run -d OPTIONS IMAGE ARGS}: the container, running. */
    Container runDetached(List<String> options, String image, List<String> args) {
        Result r = check(exec(runCommand("-d", options, image, args), 120), "run " + image);
        return new Container(this, r.output.strip());
    }

    /** {@code podman run --rm OPTIONS IMAGE ARGS}, to completion. */
    Result run(List<String> options, String image, List<String> args) {
        return exec(runCommand("--rm", options, image, args), 300);
    }

    private static List<String> runCommand(String mode, List<String> options, String image, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("run", mode));
        cmd.addAll(RUN_DEFAULTS);
        cmd.addAll(options);
        cmd.add(image);
        cmd.addAll(args);
        return cmd;
    }

    Result exec(List<String> args, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--root", dir.resolve("root").toString(),
                "--runroot", dir.resolve("runroot").toString(), "--cgroup-manager", "cgroupfs",
                "--tmpdir", dir.resolve("tmp").toString()));
        cmd.addAll(args);
        try {
            Path out = Files.createTempFile(dir, "podman", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run podman: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running podman", e);
        }
    }

    static Result check(Result r, String what) {
        if (r.exit != 0) {
            throw new IllegalStateException("podman " + what + " failed (" + r.exit + "): " + r.output.strip());
        }
        return r;
    }

    /** Removes every container, then the store (its overlay mounts go with the containers). */
    @Override
    public void close() {
        exec(List.of("rm", "-a", "-f", "-t", "0"), 120);
        exec(List.of("system", "reset", "-f"), 120);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Result(int exit, String output) {}

    /** A running container of this store. */
    static final class Container {
        private final Podman podman;
        final String id;

        Container(Podman podman, String id) {
            this.podman = podman;
            this.id = id;
        }

        String logs() {
            return podman.exec(List.of("logs", id), 60).output;
        }

        void signal(String signal) {
            check(podman.exec(List.of("kill", "--signal", signal, id), 60), "kill --signal " + signal);
        }

        /** Waits for the container to exit; its exit code. */
        int await(long timeoutSeconds) {
            Result r = check(podman.exec(List.of("wait", id), timeoutSeconds), "wait");
            return Integer.parseInt(r.output.strip().lines().reduce((a, b) -> b).orElseThrow());
        }

        String inspect(String format) {
            return check(podman.exec(List.of("inspect", "--format", format, id), 60), "inspect").output.strip();
        }

        boolean running() {
            return inspect("{{.State.Running}}").equals("true");
        }
    }
}
