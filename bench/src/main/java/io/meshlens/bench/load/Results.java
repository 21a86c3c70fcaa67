package io.meshlens.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one open-loop run observed, per phase: a request belongs to the phase its intended send
 * time falls in. Requests intended before the first phase are warm-up and only counted as sent.
 * A fixed run has one phase from the end of its warm-up; a run driven by {@link PhaseControl}
 * starts a phase whenever it is told to (e.g. "quiet", then "abuse" the moment the abusers
 * start), so one warm generator sees both. Thread-safe (protocol clients complete on their own
 * threads).
 */
public final class Results {
    private final Slices slices;
    private final List<Phase> phases = new CopyOnWriteArrayList<>();
    private final LongAdder sent = new LongAdder();
    /** Every answer by status code (warm-up included), 0 = failed without one: for exact comparisons. */
    private final AtomicLongArray statuses = new AtomicLongArray(600);

    /**
     * No phase yet: everything is warm-up until {@link #startPhase}. {@code slices}, when not
     * null, also sees warm-up requests: it shows how a run starts.
     */
    public Results(Slices slices) {
        this.slices = slices;
    }

    /** Requests intended from {@code startNanos} on belong to phase {@code name}. */
    public void startPhase(String name, long startNanos) {
        if (!phases.isEmpty() && startNanos < phases.get(phases.size() - 1).start) {
            throw new IllegalArgumentException("phase " + name + " starts before the phase it follows (expected: phases in time order)");
        }
        phases.add(new Phase(name, startNanos));
    }

    /** The name of the phase {@code nanos} falls in, "warm-up" before the first. */
    public String phaseAt(long nanos) {
        Phase p = phaseOf(nanos);
        return p == null ? "warm-up" : p.name;
    }

    private Phase phaseOf(long intendedNanos) {
        for (int i = phases.size() - 1; i >= 0; i--) {
            Phase p = phases.get(i);
            if (intendedNanos >= p.start) {
                return p;
            }
        }
        return null;
    }

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

    public void sent() {
        sent.increment();
    }

    /** A response arrived; {@code success} is false for a non-2xx status or gRPC error. */
    public void completed(long intendedNanos, long nowNanos, boolean success) {
        long latency = Math.max(0, nowNanos - intendedNanos);
        if (slices != null) {
            slices.completed(intendedNanos, latency, success);
        }
        Phase p = phaseOf(intendedNanos);
        if (p != null) {
            p.completed(latency, success);
        }
    }

    /** A request failed without a response (connection error, reset, timeout). */
    public void failed(long intendedNanos) {
        if (slices != null) {
            slices.failed(intendedNanos);
        }
        Phase p = phaseOf(intendedNanos);
        if (p != null) {
            p.errors.increment();
        }
    }

    /**
     * Every phase, each until the next one starts and the last until {@code endNanos}; the
     * {@code unfinished} requests, the last ones sent, count as the last phase's errors.
     */
    public List<PhaseSummary> summaries(long endNanos, long unfinished) {
        List<PhaseSummary> out = new ArrayList<>(phases.size());
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            boolean last = i == phases.size() - 1;
            long end = last ? endNanos : phases.get(i + 1).start;
            out.add(new PhaseSummary(p.name, p.summary(Math.max(1, end - p.start), last ? unfinished : 0, sent.sum())));
        }
        return out;
    }

    private static final class Phase {
        final String name;
        final long start;
        final Recorder recorder = new Recorder(3);
        final LongAdder ok = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder completed = new LongAdder();

        Phase(String name, long start) {
            this.name = name;
            this.start = start;
        }

        void completed(long latencyNanos, boolean success) {
            completed.increment();
            recorder.recordValue(latencyNanos);
            (success ? ok : errors).increment();
        }

        Summary summary(long windowNanos, long unfinished, long sent) {
            Histogram h = recorder.getIntervalHistogram();
            return new Summary(h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), h.getMaxValue(), h.getTotalCount(),
                    completed.sum() * 1e9 / windowNanos, ok.sum(), errors.sum() + unfinished, sent);
        }
    }

    /** One phase's summary: {@code phase NAME: p50 ...}. */
    public record PhaseSummary(String phase, Summary summary) {
        public String human() {
            return "phase " + phase + ": " + summary.human();
        }
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
