package io.meshlens.exporter.enrich;

import java.util.ArrayList;
import java.util.List;

import io.meshlens.exporter.scrape.MetricValues;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;

/** Count and sum add up across series; quantiles are kept only for a series that was not merged. */
final class SummaryAcc {
    private long count;
    private double sum;
    private List<Quantile> quantiles = new ArrayList<>();
    private int inputs;

    void reset() {
        count = 0;
        sum = 0;
        quantiles = new ArrayList<>();
        inputs = 0;
    }

    void add(MetricValues s) {
        count += s.summaryCount();
        sum += s.summarySum();
        inputs++;
        quantiles = new ArrayList<>();
        if (inputs == 1) {
            for (int i = 0; i < s.quantileCount(); i++) {
                quantiles.add(new Quantile(s.quantile(i), s.quantileValue(i)));
            }
        }
    }

    SummaryDataPointSnapshot toDataPoint(Labels labels) {
        return new SummaryDataPointSnapshot(count, sum, Quantiles.of(quantiles), labels, Exemplars.EMPTY, 0L);
    }
}
