package io.meshlens.exporter.live;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Golden signals of a group of {@link Counts} over a window: success rate, requests per second and
 * latency quantiles, the latter interpolated within the classic buckets as Prometheus'
 * {@code histogram_quantile} does.
 */
public final class WindowStats {
    private final double[] bounds;
    private final double seconds;
    private final Counts sum;
    /** Responses per window length: counts from windows of different lengths are rated apart. */
    private final Map<Double, long[]> byWindow = new LinkedHashMap<>();

    public WindowStats(double[] bounds, double seconds) {
        this.bounds = bounds;
        this.seconds = seconds;
        this.sum = new Counts(bounds.length);
    }

    public void add(Counts c) {
        sum.add(c);
        double s = c.seconds > 0 ? c.seconds : seconds;
        byWindow.computeIfAbsent(s, k -> new long[1])[0] += c.total();
    }

    public long total() {
        return sum.total();
    }

    /** Successes / all responses, {@code null} without traffic. */
    public Double successRate() {
        return sum.total() == 0 ? null : (double) sum.success() / sum.total();
    }

    /** Responses per second: each window's count over its own length, summed. */
    public double rps() {
        double rps = 0;
        for (var e : byWindow.entrySet()) {
            rps += e.getKey() <= 0 ? 0 : e.getValue()[0] / e.getKey();
        }
        return rps;
    }

    /** The {@code q} quantile in seconds, {@code null} without traffic. */
    public Double quantile(double q) {
        if (bounds.length == 0) {
            return null;
        }
        long count = sum.bucket(bounds.length - 1);
        if (count == 0) {
            return null;
        }
        double rank = q * count;
        long below = 0;
        for (int i = 0; i < bounds.length; i++) {
            long cum = sum.bucket(i);
            if (cum >= rank) {
                if (Double.isInfinite(bounds[i])) {
                    return i == 0 ? null : bounds[i - 1]; // like histogram_quantile: the highest finite bound
                }
                double lower = i == 0 ? 0 : bounds[i - 1];
                long inBucket = cum - below;
                return inBucket == 0 ? bounds[i] : lower + (bounds[i] - lower) * ((rank - below) / inBucket);
            }
            below = cum;
        }
        return null;
    }
}
