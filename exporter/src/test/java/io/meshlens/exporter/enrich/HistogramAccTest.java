package io.meshlens.exporter.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.prometheus.metrics.model.snapshots.Labels;

class HistogramAccTest {
    private static Metrics.Histogram classic(long c1, long c2, long count, double sum) {
        return Metrics.Histogram.newBuilder().setSampleCount(count).setSampleSum(sum)
                .addBucket(Metrics.Bucket.newBuilder().setUpperBound(0.1).setCumulativeCount(c1))
                .addBucket(Metrics.Bucket.newBuilder().setUpperBound(1).setCumulativeCount(c2)).build();
    }

    @Test
    void classicBucketsAddUp() {
        HistogramAcc acc = new HistogramAcc();
        acc.add(classic(1, 3, 4, 2.0));
        acc.add(classic(2, 2, 5, 9.0));
        var dp = acc.toDataPoint(Labels.EMPTY);
        assertThat(dp.getCount()).isEqualTo(9);
        assertThat(dp.getSum()).isEqualTo(11.0);
        assertThat(acc.cumulativeBuckets()).containsEntry(0.1, 3L).containsEntry(1.0, 5L).containsEntry(Double.POSITIVE_INFINITY, 9L);
    }

    /** Native buckets at schema 1 (indexes 1,2) plus schema 0 (index 1): schema 1 is brought down to 0 first. */
    @Test
    void nativeHistogramsOfDifferentSchemasAreMergedAtTheLowerOne() {
        Metrics.Histogram s1 = Metrics.Histogram.newBuilder().setSampleCount(5).setSampleSum(3).setSchema(1)
                .setZeroThreshold(1e-9).setZeroCount(0)
                .addPositiveSpan(Metrics.BucketSpan.newBuilder().setOffset(1).setLength(2))
                .addPositiveDelta(2).addPositiveDelta(1).build(); // idx1=2, idx2=3
        Metrics.Histogram s0 = Metrics.Histogram.newBuilder().setSampleCount(4).setSampleSum(2).setSchema(0)
                .setZeroThreshold(1e-9).setZeroCount(1)
                .addPositiveSpan(Metrics.BucketSpan.newBuilder().setOffset(1).setLength(1))
                .addPositiveDelta(3).build(); // idx1=3
        HistogramAcc acc = new HistogramAcc();
        acc.add(s1);
        acc.add(s0);
        var dp = acc.toDataPoint(Labels.EMPTY);
        assertThat(dp.getNativeSchema()).isZero();
        assertThat(dp.getNativeZeroCount()).isEqualTo(1);
        // schema 1 index 1 -> schema 0 index 1; schema 1 index 2 -> schema 0 index 1 ((2-1)>>1)+1
        assertThat(dp.getNativeBucketsForPositiveValues().size()).isEqualTo(1);
        assertThat(dp.getNativeBucketsForPositiveValues().getBucketIndex(0)).isEqualTo(1);
        assertThat(dp.getNativeBucketsForPositiveValues().getCount(0)).isEqualTo(8);
        assertThat(dp.getCount()).isEqualTo(9);
    }
}
