package io.meshlens.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Phases named by lines of a control stream (stdin with {@code --phases}): each line starts a
 * phase there and then, {@code end} or the end of the stream stops the run. A script can so keep
 * one warm generator across a quiet phase and an abuse phase, and start the abusers exactly when
 * it names the abuse phase, instead of starting a fresh generator into a busy machine.
 */
final class PhaseControl {
    private final BufferedReader lines;
    private final Results results;
    private volatile boolean ended;

    PhaseControl(BufferedReader lines, Results results) {
        this.lines = lines;
        this.results = results;
    }

    /** Reads the control stream on a daemon thread until {@code end}. */
    PhaseControl start() {
        Thread t = new Thread(this::readUntilEnd, "phase-control");
        t.setDaemon(true);
        t.start();
        return this;
    }

    boolean ended() {
        return ended;
    }

    /** Starts a phase per line until {@code end} or the end of the stream; then {@link #ended()}. */
    void readUntilEnd() {
        try {
            for (String line; (line = lines.readLine()) != null; ) {
                String name = line.strip();
                if (name.equals("end")) {
                    break;
                }
                if (!name.isEmpty()) {
                    results.startPhase(name, System.nanoTime());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--phases: reading the phase names from stdin", e);
        } finally {
            ended = true;
        }
    }
}
