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

    private static Metrics.Exemplar exemplar(String traceId, double value, long seconds) {
        return Metrics.Exemplar.newBuilder().addLabel(Metrics.LabelPair.newBuilder().setName("trace_id").setValue(traceId))
                .setValue(value).setTimestamp(io.prometheus.metrics.shaded.com_google_protobuf_4_36_2.Timestamp.newBuilder().setSeconds(seconds)).build();
    }

    @Test
    void exemplarsAreCarriedThroughTheSumNewestPerBucket() throws Exception {
        HistogramAcc acc = new HistogramAcc();
        // Two pods of one workload: the first saw a slow request in bucket 2, then the second a newer one there.
        acc.add(Metrics.Histogram.newBuilder().setSampleCount(4).setSampleSum(2)
                .addBucket(Metrics.Bucket.newBuilder().setUpperBound(0.1).setCumulativeCount(1).setExemplar(exemplar("aaaa", 0.05, 100)))
                .addBucket(Metrics.Bucket.newBuilder().setUpperBound(1).setCumulativeCount(4).setExemplar(exemplar("bbbb", 0.5, 100)))
                .build());
        acc.add(Metrics.Histogram.newBuilder().setSampleCount(1).setSampleSum(0.7)
                .addBucket(Metrics.Bucket.newBuilder().setUpperBound(0.1).setCumulativeCount(0))
                .addBucket(Metrics.Bucket.newBuilder().setUpperBound(1).setCumulativeCount(1).setExemplar(exemplar("cccc", 0.7, 200)))
                .build());
        var point = acc.toDataPoint(Labels.of("workload", "voting"));
        assertThat(point.getExemplars().size()).isEqualTo(2);
        assertThat(point.getExemplars().get(0.0, 0.1).getLabels().get("trace_id")).isEqualTo("aaaa");
        assertThat(point.getExemplars().get(0.1, 1.0).getLabels().get("trace_id")).isEqualTo("cccc");
        assertThat(point.getExemplars().get(0.1, 1.0).getTimestampMillis()).isEqualTo(200_000L);

        // ...and written to /metrics as OpenMetrics exemplars.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter.create().write(out, io.prometheus.metrics.model.snapshots.MetricSnapshots.of(
                new io.prometheus.metrics.model.snapshots.HistogramSnapshot(new io.prometheus.metrics.model.snapshots.MetricMetadata("latency_seconds"),
                        java.util.List.of(point))));
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("latency_seconds_bucket{workload=\"voting\",le=\"1.0\"} 5 # {trace_id=\"cccc\"} 0.7 200.000");
    }

    @Test
    void aCycleStartsWithoutTheLastCyclesExemplars() {
        HistogramAcc acc = new HistogramAcc();
        acc.add(Metrics.Histogram.newBuilder().setSampleCount(1).setSampleSum(0.5)
                .addBucket(Metrics.Bucket.newBuilder().setUpperBound(1).setCumulativeCount(1).setExemplar(exemplar("bbbb", 0.5, 100)))
                .build());
        acc.reset();
        acc.add(classic(1, 3, 4, 2.0));
        assertThat(acc.toDataPoint(Labels.EMPTY).getExemplars().size()).isZero();
    }
}
