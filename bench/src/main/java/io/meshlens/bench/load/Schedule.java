package io.meshlens.bench.load;

/**
 * The fixed-rate send plan: request {@code i} is due at {@code start + i * period}, whatever
 * happened to earlier requests. Latency is measured from this intended time, so a stalled
 * server is charged for every request it delayed (no coordinated omission).
 */
public final class Schedule {
    private final long startNanos;
    private final double periodNanos;
    private final long count;

    public Schedule(long startNanos, double ratePerSecond, long durationNanos) {
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate must be > 0: " + ratePerSecond);
        }
        this.startNanos = startNanos;
        this.periodNanos = 1e9 / ratePerSecond;
        this.count = (long) Math.floor(durationNanos / periodNanos);
    }

    /** Intended send time of request {@code i}. */
    public long intended(long i) {
        return startNanos + (long) (i * periodNanos);
    }

    /** How many requests are due by {@code nowNanos} (capped at the plan's total). */
    public long dueBy(long nowNanos) {
        if (nowNanos < startNanos) {
            return 0;
        }
        return Math.min(count, (long) Math.floor((nowNanos - startNanos) / periodNanos) + 1);
    }

    public long count() {
        return count;
    }

    public long endNanos() {
        return intended(count);
    }
}
