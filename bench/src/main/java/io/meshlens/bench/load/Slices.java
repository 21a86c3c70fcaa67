package io.meshlens.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency per fixed slice of intended send time (e.g. every 5 s of a run), to watch a freshly
 * started proxy warm up: a request belongs to the slice its intended send time falls in, so a
 * stall is charged to the slice that caused it. Thread-safe.
 */
public final class Slices {
    private final long startNanos;
    private final long sliceNanos;
    private final Recorder[] recorders;
    private final AtomicLongArray errors;

    /** Slices of {@code sliceNanos} covering {@code [startNanos, startNanos + totalNanos)}. */
    public Slices(long startNanos, long sliceNanos, long totalNanos) {
        if (sliceNanos <= 0) {
            throw new IllegalArgumentException("slice: " + sliceNanos + " ns (expected: > 0)");
        }
        this.startNanos = startNanos;
        this.sliceNanos = sliceNanos;
        int n = (int) Math.max(1, (totalNanos + sliceNanos - 1) / sliceNanos);
        this.recorders = new Recorder[n];
        for (int i = 0; i < n; i++) {
            recorders[i] = new Recorder(3);
        }
        this.errors = new AtomicLongArray(n);
    }

    public void completed(long intendedNanos, long latencyNanos, boolean success) {
        int i = index(intendedNanos);
        if (i >= 0) {
            recorders[i].recordValue(latencyNanos);
            if (!success) {
                errors.incrementAndGet(i);
            }
        }
    }

    public void failed(long intendedNanos) {
        int i = index(intendedNanos);
        if (i >= 0) {
            errors.incrementAndGet(i);
        }
    }

    private int index(long intendedNanos) {
        long d = intendedNanos - startNanos;
        if (d < 0) {
            return -1;
        }
        long i = d / sliceNanos;
        return i < recorders.length ? (int) i : -1;
    }

    /** The slices so far; call once, after the run (each recorder hands over its samples). */
    public List<Slice> drain() {
        List<Slice> out = new ArrayList<>(recorders.length);
        for (int i = 0; i < recorders.length; i++) {
            Histogram h = recorders[i].getIntervalHistogram();
            out.add(new Slice(i * sliceNanos, (i + 1) * sliceNanos, h.getValueAtPercentile(50),
                    h.getValueAtPercentile(99), h.getMaxValue(), h.getTotalCount(), errors.get(i)));
        }
        return out;
    }

    /** One slice: offsets from the run's start and latencies in nanoseconds. */
    public record Slice(long fromNanos, long toNanos, long p50, long p99, long max, long count, long errors) {
        /** {@code slice FROM_S TO_S p50 p99 max (ms) count errors}: the line bench/footprint reads. */
        public String line() {
            return String.format(Locale.ROOT, "slice %.0f %.0f %s %s %s %d %d", fromNanos / 1e9, toNanos / 1e9,
                    Results.Summary.ms(p50), Results.Summary.ms(p99), Results.Summary.ms(max), count, errors);
        }
    }
}
