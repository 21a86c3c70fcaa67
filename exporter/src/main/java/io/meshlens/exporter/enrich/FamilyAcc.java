package io.meshlens.exporter.enrich;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;

/**
 * One output metric family: series that share a label set after enrichment are summed (counters,
 * gauges, histograms); summaries keep count and sum (quantiles cannot be added).
 */
public final class FamilyAcc {
    private final String name;
    private final FamilyType type;
    private final String help;
    private final Map<LabelSet, double[]> values = new HashMap<>();
    private final Map<LabelSet, HistogramAcc> histograms = new HashMap<>();
    private final Map<LabelSet, SummaryAcc> summaries = new HashMap<>();

    FamilyAcc(String name, FamilyType type, String help) {
        this.name = name;
        this.type = type;
        this.help = help;
    }

    public String name() {
        return name;
    }

    public FamilyType type() {
        return type;
    }

    void addValue(LabelSet labels, double v) {
        double[] cell = values.get(labels);
        if (cell == null) {
            values.put(labels, new double[] {v});
        } else {
            cell[0] += v;
        }
    }

    void addHistogram(LabelSet labels, Metrics.Histogram h) {
        histograms.computeIfAbsent(labels, k -> new HistogramAcc()).add(h);
    }

    void addSummary(LabelSet labels, Metrics.Summary s) {
        summaries.computeIfAbsent(labels, k -> new SummaryAcc()).add(s);
    }

    public int size() {
        return values.size() + histograms.size() + summaries.size();
    }

    /** Value series (counter, gauge, info, unknown) for in-process readers such as the live windows. */
    public Map<LabelSet, double[]> values() {
        return values;
    }

    public Map<LabelSet, HistogramAcc> histograms() {
        return histograms;
    }

    MetricSnapshot toSnapshot(LabelsCache cache) {
        MetricMetadata md = new MetricMetadata(name, help);
        switch (type) {
            case COUNTER: {
                List<CounterDataPointSnapshot> dps = new ArrayList<>();
                sorted(values).forEach(e -> dps.add(new CounterDataPointSnapshot(e.getValue()[0], cache.labels(e.getKey()), null, 0L)));
                return new CounterSnapshot(md, dps);
            }
            case GAUGE: {
                List<GaugeDataPointSnapshot> dps = new ArrayList<>();
                sorted(values).forEach(e -> dps.add(new GaugeDataPointSnapshot(e.getValue()[0], cache.labels(e.getKey()), null)));
                return new GaugeSnapshot(md, dps);
            }
            case INFO: {
                List<InfoDataPointSnapshot> dps = new ArrayList<>();
                sorted(values).forEach(e -> dps.add(new InfoDataPointSnapshot(cache.labels(e.getKey()))));
                return new InfoSnapshot(md, dps);
            }
            case HISTOGRAM: {
                List<HistogramDataPointSnapshot> dps = new ArrayList<>();
                sorted(histograms).forEach(e -> dps.add(e.getValue().toDataPoint(cache.labels(e.getKey()))));
                return new HistogramSnapshot(md, dps);
            }
            case SUMMARY: {
                List<SummaryDataPointSnapshot> dps = new ArrayList<>();
                sorted(summaries).forEach(e -> dps.add(e.getValue().toDataPoint(cache.labels(e.getKey()))));
                return new SummarySnapshot(md, dps);
            }
            default: {
                List<UnknownDataPointSnapshot> dps = new ArrayList<>();
                sorted(values).forEach(e -> dps.add(new UnknownDataPointSnapshot(e.getValue()[0], cache.labels(e.getKey()), null)));
                return new UnknownSnapshot(md, dps);
            }
        }
    }


    /** Count and sum add up across series; quantiles are kept only for a series that was not merged. */
    private static final class SummaryAcc {
        private long count;
        private double sum;
        private List<Quantile> quantiles = new ArrayList<>();
        private int inputs;

        void add(Metrics.Summary s) {
            count += s.getSampleCount();
            sum += s.getSampleSum();
            inputs++;
            quantiles = new ArrayList<>();
            if (inputs == 1) {
                for (Metrics.Quantile q : s.getQuantileList()) {
                    quantiles.add(new Quantile(q.getQuantile(), q.getValue()));
                }
            }
        }

        SummaryDataPointSnapshot toDataPoint(io.prometheus.metrics.model.snapshots.Labels labels) {
            return new SummaryDataPointSnapshot(count, sum, Quantiles.of(quantiles), labels, Exemplars.EMPTY, 0L);
        }
    }

    /**
     * Entries in label order. client_java's snapshot sorts data points again; already sorted
     * input makes that a linear pass, and our comparison is the cheaper one (shared name arrays).
     */
    private static <V> List<Map.Entry<LabelSet, V>> sorted(Map<LabelSet, V> m) {
        List<Map.Entry<LabelSet, V>> l = new ArrayList<>(m.entrySet());
        l.sort(Map.Entry.comparingByKey());
        return l;
    }
}
