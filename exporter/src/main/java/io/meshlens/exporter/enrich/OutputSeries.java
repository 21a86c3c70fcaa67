package io.meshlens.exporter.enrich;

import io.meshlens.exporter.scrape.MetricValues;
import io.prometheus.metrics.model.snapshots.Labels;

/**
 * One output series: its label set, resolved once, and the sum of this cycle's inputs. It lives
 * from one cycle to the next while inputs keep arriving for it, so that the steady state only
 * adds numbers into series that already exist (client_java's {@link Labels} built once, the
 * family's order sorted once). A series that received nothing in a cycle is dropped at its end.
 */
public final class OutputSeries {
    private final LabelSet labels;
    private final FamilyType type;
    private Labels exposed;
    /** The last cycle that added to this series. */
    int cycle;
    /** Dropped from its family: whoever still holds it must look the series up again. */
    boolean removed;
    private double value;
    /** No value added yet this cycle: the first one is taken as is (-0.0 stays -0.0). */
    private boolean empty = true;
    private HistogramAcc histogram;
    private SummaryAcc summary;
    /** Whatever a reader derives from the labels once and keeps (the live windows' key). */
    private Object derived;

    OutputSeries(LabelSet labels, FamilyType type) {
        this.labels = labels;
        this.type = type;
    }

    public LabelSet labels() {
        return labels;
    }

    Labels exposed() {
        if (exposed == null) {
            exposed = labels.toLabels();
        }
        return exposed;
    }

    /** Counter, gauge, info or untyped value summed over this cycle's inputs. */
    public double value() {
        return value;
    }

    /** The summed histogram ({@code null} unless a histogram family). */
    public HistogramAcc histogram() {
        return histogram;
    }

    SummaryAcc summary() {
        return summary;
    }

    public Object derived() {
        return derived;
    }

    public void derived(Object d) {
        derived = d;
    }

    void reset() {
        value = 0;
        empty = true;
        if (histogram != null) {
            histogram.reset();
        }
        if (summary != null) {
            summary.reset();
        }
    }

    void add(MetricValues v) {
        switch (type) {
            case COUNTER: addValue(v.counter()); break;
            case GAUGE: addValue(v.gauge()); break;
            case INFO: addValue(1); break;
            case HISTOGRAM:
                if (histogram == null) {
                    histogram = new HistogramAcc();
                }
                histogram.add(v.histogram());
                break;
            case SUMMARY:
                if (summary == null) {
                    summary = new SummaryAcc();
                }
                summary.add(v);
                break;
            default: addValue(v.untyped()); break;
        }
    }

    private void addValue(double v) {
        value = empty ? v : value + v;
        empty = false;
    }
}
