package io.meshlens.kubetesting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** kubectl against the test control plane, with a given kubeconfig. */
public final class Kubectl {
    private final Path kubectl;
    private final Path kubeconfig;

    Kubectl(Path kubectl, Path kubeconfig) {
        this.kubectl = kubectl;
        this.kubeconfig = kubeconfig;
    }

    /** What one kubectl run said. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /** Runs kubectl with these arguments (at most 2 minutes). */
    public Result run(String... args) {
        return runWithInput(null, args);
    }

    /** Runs kubectl with {@code stdin} as its standard input ({@code -f -}). */
    public Result runWithInput(String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig=" + kubeconfig));
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("kubectl-", ".out");
            Path err = Files.createTempFile("kubectl-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().remove("KUBECONFIG");
                Process p = pb.start();
                if (stdin != null) {
                    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                }
                p.getOutputStream().close();
                if (!p.waitFor(2, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("kubectl " + String.join(" ", args) + ": no exit within 2 minutes");
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("kubectl " + String.join(" ", args), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
