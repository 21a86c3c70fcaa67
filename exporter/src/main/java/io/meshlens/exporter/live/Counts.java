package io.meshlens.exporter.live;

import java.util.Arrays;

/**
 * Cumulative request counters of one {@link TrafficKey}: successes, failures and the latency
 * histogram's cumulative bucket counts (bounds shared by every key, see {@link LiveSnapshot}).
 */
public final class Counts {
    long success;
    long failure;
    long[] buckets;

    Counts(int bucketCount) {
        buckets = new long[bucketCount];
    }

    public long success() {
        return success;
    }

    public long failure() {
        return failure;
    }

    public long total() {
        return success + failure;
    }

    /** Cumulative count at bucket index {@code i}. */
    public long bucket(int i) {
        return buckets[i];
    }

    void add(Counts o) {
        success += o.success;
        failure += o.failure;
        if (o.buckets.length > buckets.length) {
            buckets = Arrays.copyOf(buckets, o.buckets.length);
        }
        for (int i = 0; i < o.buckets.length; i++) {
            buckets[i] += o.buckets[i];
        }
    }

    /**
     * {@code newer - older}; a counter that went down (the proxy restarted) counts from zero,
     * as Prometheus' rate() does, so a restart never produces a negative rate.
     */
    static Counts delta(Counts newer, Counts older) {
        Counts d = new Counts(newer.buckets.length);
        boolean reset = older != null && (newer.success < older.success || newer.failure < older.failure);
        if (older == null || reset) {
            d.add(newer);
            return d;
        }
        d.success = newer.success - older.success;
        d.failure = newer.failure - older.failure;
        for (int i = 0; i < d.buckets.length; i++) {
            long o = i < older.buckets.length ? older.buckets[i] : 0;
            d.buckets[i] = Math.max(0, newer.buckets[i] - o);
        }
        return d;
    }
}
