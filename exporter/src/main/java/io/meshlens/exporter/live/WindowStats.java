package io.meshlens.exporter.live;

/**
 * Golden signals of a group of {@link Counts} over a window: success rate, requests per second and
 * latency quantiles, the latter interpolated within the classic buckets as Prometheus'
 * {@code histogram_quantile} does.
 */
public final class WindowStats {
    private final double[] bounds;
    private final double seconds;
    private final Counts sum;

    public WindowStats(double[] bounds, double seconds) {
        this.bounds = bounds;
        this.seconds = seconds;
        this.sum = new Counts(bounds.length);
    }

    public void add(Counts c) {
        sum.add(c);
    }

    public long total() {
        return sum.total();
    }

    /** Successes / all responses, {@code null} without traffic. */
    public Double successRate() {
        return sum.total() == 0 ? null : (double) sum.success() / sum.total();
    }

    public double rps() {
        return seconds <= 0 ? 0 : sum.total() / seconds;
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
