package io.meshlens.exporter.enrich;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;

/**
 * One output metric family: series that share a label set after enrichment are summed (counters,
 * gauges, histograms); summaries keep count and sum (quantiles cannot be added). The family and
 * its {@link OutputSeries} outlive a cycle; what a cycle did not touch is dropped at its end.
 */
public final class FamilyAcc {
    private final String name;
    private final FamilyType type;
    private String help;
    private final Map<LabelSet, OutputSeries> byLabels = new HashMap<>();
    /** Every series, in label order once {@link #toSnapshot} has run. */
    private final ArrayList<OutputSeries> ordered = new ArrayList<>();
    private boolean unsorted;
    /** The last cycle that touched this family, and how many of its series it touched. */
    int cycle;
    private int touched;
    boolean removed;

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

    /** The first page of a cycle that names this family sets its help, as it did its type. */
    void begin(int cycle, String help) {
        this.cycle = cycle;
        this.help = help;
        touched = 0;
    }

    /** The series with these labels, created when new. */
    OutputSeries series(LabelSet labels) {
        OutputSeries s = byLabels.get(labels);
        if (s == null) {
            s = new OutputSeries(labels, type);
            s.cycle = cycle - 1;
            byLabels.put(labels, s);
            ordered.add(s);
            unsorted = true;
        }
        return s;
    }

    /** Whether {@code s} (held from an earlier cycle) still belongs to this family. */
    boolean holds(OutputSeries s) {
        return !s.removed && !removed;
    }

    /** Adds one input to {@code s}, which starts from zero the first time in a cycle. */
    void add(OutputSeries s, io.meshlens.exporter.scrape.MetricValues v) {
        if (s.cycle != cycle) {
            s.cycle = cycle;
            s.reset();
            touched++;
        }
        s.add(v);
    }

    /** Series of this cycle. */
    public int size() {
        return touched;
    }

    /** This cycle's series (in label order after {@link #toSnapshot}), for in-process readers such as the live windows. */
    public List<OutputSeries> series() {
        if (touched == ordered.size()) {
            return ordered;
        }
        List<OutputSeries> out = new ArrayList<>(touched);
        for (OutputSeries s : ordered) {
            if (s.cycle == cycle) {
                out.add(s);
            }
        }
        return out;
    }

    /** Drops every series (the family was replaced or not seen in a cycle). */
    void discard() {
        removed = true;
        for (OutputSeries s : ordered) {
            s.removed = true;
        }
    }

    /** Ends the cycle: series it did not touch are dropped, the rest sorted (only if it changed) and written. */
    MetricSnapshot toSnapshot() {
        if (touched != ordered.size()) {
            int w = 0;
            for (int r = 0; r < ordered.size(); r++) {
                OutputSeries s = ordered.get(r);
                if (s.cycle == cycle) {
                    ordered.set(w++, s);
                } else {
                    s.removed = true;
                    byLabels.remove(s.labels());
                }
            }
            ordered.subList(w, ordered.size()).clear();
        }
        if (unsorted) {
            // Label order is client_java's own: its snapshot's sort is then a linear pass.
            ordered.sort((a, b) -> a.labels().compareTo(b.labels()));
            unsorted = false;
        }
        MetricMetadata md = new MetricMetadata(name, help);
        switch (type) {
            case COUNTER: {
                List<CounterDataPointSnapshot> dps = new ArrayList<>(ordered.size());
                for (OutputSeries s : ordered) {
                    dps.add(new CounterDataPointSnapshot(s.value(), s.exposed(), null, 0L));
                }
                return new CounterSnapshot(md, dps);
            }
            case GAUGE: {
                List<GaugeDataPointSnapshot> dps = new ArrayList<>(ordered.size());
                for (OutputSeries s : ordered) {
                    dps.add(new GaugeDataPointSnapshot(s.value(), s.exposed(), null));
                }
                return new GaugeSnapshot(md, dps);
            }
            case INFO: {
                List<InfoDataPointSnapshot> dps = new ArrayList<>(ordered.size());
                for (OutputSeries s : ordered) {
                    dps.add(new InfoDataPointSnapshot(s.exposed()));
                }
                return new InfoSnapshot(md, dps);
            }
            case HISTOGRAM: {
                List<HistogramDataPointSnapshot> dps = new ArrayList<>(ordered.size());
                for (OutputSeries s : ordered) {
                    dps.add(s.histogram().toDataPoint(s.exposed()));
                }
                return new HistogramSnapshot(md, dps);
            }
            case SUMMARY: {
                List<SummaryDataPointSnapshot> dps = new ArrayList<>(ordered.size());
                for (OutputSeries s : ordered) {
                    dps.add(s.summary().toDataPoint(s.exposed()));
                }
                return new SummarySnapshot(md, dps);
            }
            default: {
                List<UnknownDataPointSnapshot> dps = new ArrayList<>(ordered.size());
                for (OutputSeries s : ordered) {
                    dps.add(new UnknownDataPointSnapshot(s.value(), s.exposed(), null));
                }
                return new UnknownSnapshot(md, dps);
            }
        }
    }
}
