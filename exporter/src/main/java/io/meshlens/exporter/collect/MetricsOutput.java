package io.meshlens.exporter.collect;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.meshlens.exporter.ExporterConfig;
import io.meshlens.exporter.discovery.Cluster;
import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.WorkloadRef;
import io.meshlens.exporter.enrich.ProxySeries;
import io.meshlens.exporter.slo.SloAnnotations;
import io.meshlens.exporter.slo.SloObjective;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;

/**
 * What {@code /metrics} writes: the enriched proxy series of the latest cycle, the exporter's
 * own meters, and the series computed from the cluster view (targets up, pods per workload, SLO
 * objectives). A family present in several of these (the proxies' and the exporter's
 * {@code jvm_*}) is written once with all its series.
 */
public final class MetricsOutput {
    private final ExporterConfig config;
    private final Cluster cluster;
    private final CollectionLoop loop;
    private final SelfMetrics self;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final SloAnnotations slo = new SloAnnotations(ProxySeries.LATENCY_BUCKETS);
    /** Malformed annotations already counted: each is counted once, not once per scrape. */
    private final Set<String> reportedAnnotationErrors = ConcurrentHashMap.newKeySet();

    public MetricsOutput(ExporterConfig config, Cluster cluster, CollectionLoop loop, SelfMetrics self) {
        this.config = requireNonNull(config, "config");
        this.cluster = requireNonNull(cluster, "cluster");
        this.loop = requireNonNull(loop, "loop");
        this.self = requireNonNull(self, "self");
    }

    /** Writes in the format {@code accept} asks for; returns the content type written. */
    public String write(String accept, OutputStream out) throws IOException {
        ExpositionFormatWriter w = formats.findWriter(accept);
        w.write(out, snapshots());
        return w.getContentType();
    }

    public MetricSnapshots snapshots() {
        Cycle cycle = loop.latest();
        Map<String, MetricSnapshot> byName = new TreeMap<>();
        for (MetricSnapshot s : cycle.enriched()) {
            merge(byName, s);
        }
        for (MetricSnapshot s : self.registry().scrape()) {
            merge(byName, s);
        }
        merge(byName, targetsUp(cycle));
        merge(byName, workloadPods());
        objectives().forEach(s -> merge(byName, s));
        return new MetricSnapshots(byName.values());
    }

    private MetricSnapshot targetsUp(Cycle cycle) {
        List<GaugeDataPointSnapshot> dps = new ArrayList<>();
        for (TargetState t : new TreeMap<>(cycle.targets()).values()) {
            dps.add(new GaugeDataPointSnapshot(t.up() ? 1 : 0, Labels.of("namespace", t.pod().namespace(),
                    "pod", t.pod().name(), "workload", t.workload().name()), null));
        }
        return new GaugeSnapshot(new MetricMetadata(ExporterMetrics.TARGET_UP, "1 if the last scrape of the proxy succeeded."), dps);
    }

    /** Pods this exporter is responsible for, that have not finished. */
    private List<PodInfo> localPods() {
        List<PodInfo> out = new ArrayList<>();
        for (PodInfo p : cluster.pods()) {
            if (!p.finished() && (config.nodeName().isEmpty() || config.nodeName().equals(p.node()))) {
                out.add(p);
            }
        }
        return out;
    }

    private MetricSnapshot workloadPods() {
        Map<List<String>, double[]> counts = new TreeMap<>(MetricsOutput::compareLists);
        for (PodInfo p : localPods()) {
            WorkloadRef w = cluster.workloadOf(p);
            counts.computeIfAbsent(List.of(w.namespace(), w.kind(), w.name(), Boolean.toString(p.meshed())),
                    k -> new double[1])[0]++;
        }
        List<GaugeDataPointSnapshot> dps = new ArrayList<>();
        counts.forEach((k, v) -> dps.add(new GaugeDataPointSnapshot(v[0], Labels.of("namespace", k.get(0),
                "workload_kind", k.get(1), "workload", k.get(2), "meshed", k.get(3)), null)));
        return new GaugeSnapshot(new MetricMetadata(ExporterMetrics.WORKLOAD_PODS,
                "Pods of a workload seen by this exporter (DaemonSet mode: on its node), meshed or not."), dps);
    }

    /**
     * The objectives ({@code meshlens_slo_objective}, a ratio) and each latency objective's bound
     * ({@code meshlens_slo_latency_bound_seconds}): a bound is a value, never an {@code le} label on
     * a gauge (promtool check metrics rejects that, and Prometheus 3 normalises {@code le} only on
     * histograms).
     */
    private List<MetricSnapshot> objectives() {
        Map<WorkloadRef, Boolean> meshed = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        for (PodInfo p : localPods()) {
            if (p.meshed()) {
                meshed.put(cluster.workloadOf(p), Boolean.TRUE);
            }
        }
        List<GaugeDataPointSnapshot> ratios = new ArrayList<>();
        List<GaugeDataPointSnapshot> bounds = new ArrayList<>();
        for (WorkloadRef w : meshed.keySet()) {
            Map<String, String> annotations = cluster.workloadAnnotations(w);
            for (SloObjective o : slo.objectives(annotations, a -> annotationError(w, a, annotations.get(a)))) {
                ratios.add(new GaugeDataPointSnapshot(o.ratio(), Labels.of("namespace", w.namespace(), "workload_kind", w.kind(),
                        "workload", w.name(), "sli", o.sli(), "period", o.period()), null));
                if (SloObjective.LATENCY.equals(o.sli())) {
                    bounds.add(new GaugeDataPointSnapshot(Double.parseDouble(o.le()), Labels.of("namespace", w.namespace(),
                            "workload_kind", w.kind(), "workload", w.name(), "period", o.period()), null));
                }
            }
        }
        return List.of(new GaugeSnapshot(new MetricMetadata(ExporterMetrics.SLO_OBJECTIVE,
                "SLO objective of a workload as a ratio, from its meshlens.io/slo-* annotations or the defaults."), ratios),
                new GaugeSnapshot(new MetricMetadata(ExporterMetrics.SLO_LATENCY_BOUND,
                        "Latency bound of a workload's latency SLO in seconds: the histogram bucket bound the objective counts under."),
                        bounds));
    }

    private void annotationError(WorkloadRef w, String annotation, String value) {
        if (reportedAnnotationErrors.add(w + "|" + annotation + "|" + value)) {
            self.annotationError(annotation);
        }
    }

    private static int compareLists(List<String> a, List<String> b) {
        return String.join("\u0000", a).compareTo(String.join("\u0000", b));
    }

    /** Adds {@code s}, merging its data points into a same-named family of the same type. */
    static void merge(Map<String, MetricSnapshot> byName, MetricSnapshot s) {
        String name = s.getMetadata().getPrometheusName();
        MetricSnapshot existing = byName.get(name);
        if (existing == null) {
            byName.put(name, s);
            return;
        }
        if (existing.getClass() != s.getClass()) {
            return; // same name, other type: the first (the proxies') wins, the rest is dropped
        }
        Map<Labels, DataPointSnapshot> points = new LinkedHashMap<>();
        for (DataPointSnapshot dp : existing.getDataPoints()) {
            points.put(dp.getLabels(), dp);
        }
        for (DataPointSnapshot dp : s.getDataPoints()) {
            points.putIfAbsent(dp.getLabels(), dp);
        }
        byName.put(name, rebuild(existing, points.values()));
    }

    @SuppressWarnings("unchecked")
    private static MetricSnapshot rebuild(MetricSnapshot like, Collection<DataPointSnapshot> dps) {
        MetricMetadata md = like.getMetadata();
        List<?> l = new ArrayList<>(dps);
        if (like instanceof CounterSnapshot) {
            return new CounterSnapshot(md, (List<CounterSnapshot.CounterDataPointSnapshot>) l);
        }
        if (like instanceof GaugeSnapshot) {
            return new GaugeSnapshot(md, (List<GaugeDataPointSnapshot>) l);
        }
        if (like instanceof HistogramSnapshot) {
            return new HistogramSnapshot(md, (List<HistogramSnapshot.HistogramDataPointSnapshot>) l);
        }
        if (like instanceof SummarySnapshot) {
            return new SummarySnapshot(md, (List<SummarySnapshot.SummaryDataPointSnapshot>) l);
        }
        if (like instanceof InfoSnapshot) {
            return new InfoSnapshot(md, (List<InfoSnapshot.InfoDataPointSnapshot>) l);
        }
        if (like instanceof UnknownSnapshot) {
            return new UnknownSnapshot(md, (List<UnknownSnapshot.UnknownDataPointSnapshot>) l);
        }
        return like; // a type we do not merge (state sets): keep the first
    }

}
