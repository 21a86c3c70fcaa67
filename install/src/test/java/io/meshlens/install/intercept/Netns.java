package io.meshlens.install.intercept;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands on the host and in Linux network namespaces ({@code ip netns exec}). */
final class Netns {
    record Result(int exit, String out, String err) {}

    private Netns() {}

    static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            // Small outputs only: read both after the process is done.
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "", "timed out: " + cmd);
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", e.toString());
        }
    }

    static Result run(String... cmd) {
        return run(List.of(cmd));
    }

    /** Runs {@code cmd} in namespace {@code ns}; throws with stderr when it fails. */
    static String exec(String ns, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        Result r = run(full);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", full) + " failed (" + r.exit() + "): " + r.err() + r.out());
        }
        return r.out();
    }

    static String host(String... cmd) {
        Result r = run(cmd);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.err());
        }
        return r.out();
    }
}
