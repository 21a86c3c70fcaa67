package io.meshlens.bench.load;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one open-loop run observed. Requests intended before {@code windowStart} are warm-up and
 * only counted as sent; thread-safe (protocol clients complete on their own threads).
 */
public final class Results {
    private final long windowStart;
    private final Slices slices;
    private final Recorder recorder = new Recorder(3);
    private final LongAdder sent = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder windowCompleted = new LongAdder();
    /** Every answer by status code (warm-up included), 0 = failed without one: for exact comparisons. */
    private final AtomicLongArray statuses = new AtomicLongArray(600);

    /** Counts one answer's status (any time, warm-up included); 0 for a request that got none. */
    public void status(int code) {
        statuses.incrementAndGet(code > 0 && code < 600 ? code : 0);
    }

    /** "200=N 500=N ... none=N" over the whole run. */
    public String statusCounts() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < 600; i++) {
            if (statuses.get(i) > 0) {
                b.append(i).append('=').append(statuses.get(i)).append(' ');
            }
        }
        return b.append("none=").append(statuses.get(0)).toString();
    }

    public Results(long windowStartNanos) {
        this(windowStartNanos, null);
    }

    /** {@code slices}, when not null, also sees warm-up requests: it shows how a run starts. */
    public Results(long windowStartNanos, Slices slices) {
        this.windowStart = windowStartNanos;
        this.slices = slices;
    }

    public void sent() {
        sent.increment();
    }

    /** A response arrived; {@code success} is false for a non-2xx status or gRPC error. */
    public void completed(long intendedNanos, long nowNanos, boolean success) {
        if (slices != null) {
            slices.completed(intendedNanos, Math.max(0, nowNanos - intendedNanos), success);
        }
        if (intendedNanos < windowStart) {
            return;
        }
        windowCompleted.increment();
        recorder.recordValue(Math.max(0, nowNanos - intendedNanos));
        if (success) {
            ok.increment();
        } else {
            errors.increment();
        }
    }

    /** A request failed without a response (connection error, reset, timeout). */
    public void failed(long intendedNanos) {
        if (slices != null) {
            slices.failed(intendedNanos);
        }
        if (intendedNanos >= windowStart) {
            errors.increment();
        }
    }

    public Summary summary(long windowNanos, long unfinished) {
        Histogram h = recorder.getIntervalHistogram();
        return new Summary(h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue(), h.getTotalCount(),
                windowCompleted.sum() * 1e9 / windowNanos, ok.sum(), errors.sum() + unfinished, sent.sum());
    }

    /** Latencies in nanoseconds. */
    public record Summary(long p50, long p90, long p99, long p999, long max, long count, double achievedRate,
                          long ok, long errors, long sent) {
        static String ms(long nanos) {
            return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
        }

        /** p50 p99 p99.9 max (ms), achieved rate, errors: the columns bench/run reads. */
        public String tsv() {
            return String.join(" ", ms(p50), ms(p99), ms(p999), ms(max),
                    String.format(java.util.Locale.ROOT, "%.0f", achievedRate), Long.toString(errors));
        }

        public String human() {
            return String.format(java.util.Locale.ROOT,
                    "p50 %s ms  p90 %s ms  p99 %s ms  p99.9 %s ms  max %s ms  achieved %.0f req/s  ok %d  errors %d  (%d recorded)",
                    ms(p50), ms(p90), ms(p99), ms(p999), ms(max), achievedRate, ok, errors, count);
        }
    }
}
