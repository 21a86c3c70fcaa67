package io.meshlens.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.junit.jupiter.api.Assumptions;

/**
 * {@code meshlens top} on a real terminal: a detached tmux session runs the CLI in a fresh JVM;
 * the test reads the screen with {@code capture-pane} and types with {@code send-keys}. Each
 * instance has its own tmux server socket, so parallel runs do not meet.
 */
final class LiveTop implements AutoCloseable {
    private static final String SESSION = "top";
    private final String socket = "meshlens-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    static void assumeTmux() {
        Assumptions.assumeTrue(exitCode(List.of("tmux", "-V")) == 0, "tmux is not installed (scripts/setup.sh installs it)");
    }

    static LiveTop start(String... cliArgs) {
        LiveTop t = new LiveTop();
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Meshlens.class.getName()));
        cmd.addAll(List.of(cliArgs));
        StringBuilder shell = new StringBuilder();
        for (String c : cmd) {
            shell.append('\'').append(c.replace("'", "'\\''")).append("' ");
        }
        t.tmux("new-session", "-d", "-s", SESSION, "-x", "200", "-y", "40", shell.toString());
        return t;
    }

    /** Waits until the screen satisfies {@code test}; returns that screen. */
    String awaitScreen(Predicate<String> test) {
        AtomicReference<String> last = new AtomicReference<>("");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).alias("screen:\n" + last)
                .until(() -> {
                    last.set(tmux("capture-pane", "-p", "-t", SESSION));
                    return test.test(last.get());
                });
        return last.get();
    }

    void sendKeys(String keys) {
        tmux("send-keys", "-t", SESSION, keys);
    }

    /** The CLI ended (its session closed with it). */
    void awaitExit() {
        await().atMost(Duration.ofSeconds(15)).until(() -> exitCode(List.of("tmux", "-L", socket, "has-session", "-t", SESSION)) != 0);
    }

    /** The COUNT cell of the row whose path contains {@code path}; -1 when there is none. */
    static long count(String screen, String path) {
        List<String> lines = screen.lines().toList();
        int header = header(lines);
        if (header < 0) {
            return -1;
        }
        int col = List.of(lines.get(header).trim().split("\\s{3,}")).indexOf("COUNT");
        for (String l : lines.subList(header + 1, lines.size())) {
            String[] cells = l.trim().split("\\s{3,}");
            if (l.contains(path) && cells.length > col) {
                return Long.parseLong(cells[col]);
            }
        }
        return -1;
    }

    /** Every row's COUNT, top to bottom. */
    static List<Long> counts(String screen) {
        List<String> lines = screen.lines().toList();
        int header = header(lines);
        int col = List.of(lines.get(header).trim().split("\\s{3,}")).indexOf("COUNT");
        List<Long> out = new ArrayList<>();
        for (String l : lines.subList(header + 1, lines.size())) {
            String[] cells = l.trim().split("\\s{3,}");
            if (cells.length > col && cells[col].matches("\\d+")) {
                out.add(Long.parseLong(cells[col]));
            }
        }
        return out;
    }

    private static int header(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("SOURCE")) {
                return i;
            }
        }
        return -1;
    }

    private String tmux(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int exitCode(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        exitCode(List.of("tmux", "-L", socket, "kill-server"));
    }
}
