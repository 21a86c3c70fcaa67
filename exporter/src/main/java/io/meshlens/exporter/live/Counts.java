package io.meshlens.exporter.live;

import java.util.Arrays;

/**
 * Request counters of one {@link TrafficKey}: successes, failures and the latency histogram's
 * cumulative bucket counts (bounds shared by every key, see {@link LiveSnapshot}). Cumulative in
 * a snapshot; in a {@link LiveWindow.Delta} the counts of a window, with the window's length, so
 * that counts of windows of other exporters (which differ by up to a scrape interval) still
 * add up to exact rates.
 */
public final class Counts {
    long success;
    long failure;
    long[] buckets;
    double seconds;

    Counts(int bucketCount) {
        buckets = new long[bucketCount];
    }

    /** The counts of a window of {@code seconds}, as another exporter reported them. */
    public static Counts ofWindow(long success, long failure, long[] cumulativeBuckets, double seconds) {
        if (success < 0 || failure < 0 || !(seconds >= 0)) {
            throw new IllegalArgumentException("counts: success " + success + ", failure " + failure + ", seconds " + seconds
                    + " (expected: counts >= 0, seconds >= 0)");
        }
        Counts c = new Counts(cumulativeBuckets.length);
        c.success = success;
        c.failure = failure;
        c.buckets = cumulativeBuckets.clone();
        c.seconds = seconds;
        return c;
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

    public int bucketCount() {
        return buckets.length;
    }

    /** The length of the window these counts cover; 0 in a snapshot. */
    public double seconds() {
        return seconds;
    }

    /** These counts on other bucket bounds: at each bound, the count at the highest own bound not above it. */
    Counts alignedTo(double[] own, double[] target) {
        Counts c = new Counts(target.length);
        c.success = success;
        c.failure = failure;
        c.seconds = seconds;
        int j = -1;
        for (int i = 0; i < target.length; i++) {
            while (j + 1 < own.length && j + 1 < buckets.length && Double.compare(own[j + 1], target[i]) <= 0) {
                j++;
            }
            c.buckets[i] = j < 0 ? 0 : buckets[j];
        }
        return c;
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
    static Counts delta(Counts newer, Counts older, double seconds) {
        Counts d = new Counts(newer.buckets.length);
        d.seconds = seconds;
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
