package io.meshlens.cli.render;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The controlling terminal in full-screen mode, for {@code top}: the alternate screen (what was
 * on the terminal comes back on close), no cursor, and keys read one at a time without Enter
 * ({@code stty -icanon -echo}). Ctrl-C still interrupts, and a shutdown hook puts the terminal
 * back as it was, however the JVM ends.
 */
public final class Terminal implements AutoCloseable {
    private static final String ENTER = "\033[?1049h\033[?25l";
    private static final String LEAVE = "\033[?25h\033[?1049l";
    private static final String HOME_AND_CLEAR = "\033[H\033[2J";

    private final PrintStream out;
    private final String saved;
    private final Thread restoreOnExit = new Thread(this::restore, "terminal-restore");
    private boolean restored;

    private Terminal(PrintStream out, String saved) {
        this.out = out;
        this.saved = saved;
    }

    /** Switches the terminal to full-screen, key-at-a-time mode. */
    public static Terminal open(PrintStream out) {
        String saved = stty("-g").strip();
        stty("-icanon", "-echo", "min", "1");
        Terminal t = new Terminal(out, saved);
        Runtime.getRuntime().addShutdownHook(t.restoreOnExit);
        out.print(ENTER);
        out.flush();
        return t;
    }

    /** {rows, columns}; 24x80 when the terminal does not say. */
    public int[] size() {
        try {
            String[] rc = stty("size").strip().split("\\s+");
            return new int[] {Integer.parseInt(rc[0]), Integer.parseInt(rc[1])};
        } catch (RuntimeException e) {
            return new int[] {24, 80};
        }
    }

    /** Replaces the screen with these lines, cut to the terminal's size. */
    public void draw(List<String> lines) {
        int[] size = size();
        StringBuilder b = new StringBuilder(HOME_AND_CLEAR);
        for (int i = 0; i < Math.min(lines.size(), size[0] - 1); i++) {
            String l = lines.get(i);
            b.append(l.length() > size[1] ? l.substring(0, size[1]) : l).append("\r\n");
        }
        out.print(b);
        out.flush();
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook restores
        }
    }

    private synchronized void restore() {
        if (restored) {
            return;
        }
        restored = true;
        out.print(LEAVE);
        out.flush();
        stty(saved);
    }

    private static String stty(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("stty");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty")).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("stty " + String.join(" ", args) + ": " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("stty " + String.join(" ", args) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stty interrupted", e);
        }
    }
}
