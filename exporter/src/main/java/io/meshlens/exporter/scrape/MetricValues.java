package io.meshlens.exporter.scrape;

import java.util.Arrays;

/**
 * The numbers of one protobuf {@code Metric} as read from a page: whichever of counter, gauge,
 * untyped, summary and histogram it carries (absent ones read as zero, as the generated classes
 * answer). One instance is reused for every metric of a page.
 */
public final class MetricValues {
    double counter;
    double gauge;
    double untyped;
    long summaryCount;
    double summarySum;
    double[] quantiles = new double[8];
    double[] quantileValues = new double[8];
    int quantileCount;
    final HistogramValues histogram = new HistogramValues();

    void reset() {
        counter = 0;
        gauge = 0;
        untyped = 0;
        summaryCount = 0;
        summarySum = 0;
        quantileCount = 0;
        histogram.reset();
    }

    void addQuantile(double q, double v) {
        if (quantileCount == quantiles.length) {
            quantiles = Arrays.copyOf(quantiles, quantileCount * 2);
            quantileValues = Arrays.copyOf(quantileValues, quantileCount * 2);
        }
        quantiles[quantileCount] = q;
        quantileValues[quantileCount] = v;
        quantileCount++;
    }

    public double counter() {
        return counter;
    }

    public double gauge() {
        return gauge;
    }

    public double untyped() {
        return untyped;
    }

    public long summaryCount() {
        return summaryCount;
    }

    public double summarySum() {
        return summarySum;
    }

    public int quantileCount() {
        return quantileCount;
    }

    public double quantile(int i) {
        return quantiles[i];
    }

    public double quantileValue(int i) {
        return quantileValues[i];
    }

    public HistogramValues histogram() {
        return histogram;
    }
}
