package io.meshlens.exporter.live;

import static io.meshlens.exporter.identity.IdentityLabels.DIRECTION;
import static io.meshlens.exporter.identity.IdentityLabels.DST_KIND;
import static io.meshlens.exporter.identity.IdentityLabels.DST_NAMESPACE;
import static io.meshlens.exporter.identity.IdentityLabels.DST_WORKLOAD;
import static io.meshlens.exporter.identity.IdentityLabels.NAMESPACE;
import static io.meshlens.exporter.identity.IdentityLabels.POD;
import static io.meshlens.exporter.identity.IdentityLabels.SRC_KIND;
import static io.meshlens.exporter.identity.IdentityLabels.SRC_NAMESPACE;
import static io.meshlens.exporter.identity.IdentityLabels.SRC_WORKLOAD;
import static io.meshlens.exporter.identity.IdentityLabels.WORKLOAD;
import static io.meshlens.exporter.identity.IdentityLabels.WORKLOAD_KIND;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.meshlens.exporter.discovery.WorkloadRef;
import io.meshlens.exporter.enrich.Aggregation;
import io.meshlens.exporter.enrich.FamilyAcc;
import io.meshlens.exporter.enrich.HistogramAcc;
import io.meshlens.exporter.enrich.LabelSet;
import io.meshlens.exporter.enrich.OutputSeries;
import io.meshlens.exporter.enrich.ProxySeries;

/**
 * What the live windows keep of one scrape cycle: cumulative request counts per
 * {@link TrafficKey} and TCP figures per pod, taken from the enriched series.
 */
public final class LiveSnapshot {
    final long nanos;
    final double[] bounds;
    final Map<TrafficKey, Counts> traffic;
    final Map<String, PodTcp> tcp;

    private LiveSnapshot(long nanos, double[] bounds, Map<TrafficKey, Counts> traffic, Map<String, PodTcp> tcp) {
        this.nanos = nanos;
        this.bounds = bounds;
        this.traffic = traffic;
        this.tcp = tcp;
    }

    public static LiveSnapshot of(long nanos, Aggregation agg) {
        Map<TrafficKey, Counts> traffic = new HashMap<>();
        double[] bounds = new double[0];
        FamilyAcc latency = agg.get(ProxySeries.RESPONSE_LATENCY);
        if (latency != null) {
            List<OutputSeries> series = latency.series();
            HistogramAcc widest = null;
            for (OutputSeries s : series) {
                if (s.histogram().classicSize() > (widest == null ? 0 : widest.classicSize())) {
                    widest = s.histogram();
                }
            }
            if (widest != null) {
                bounds = new double[widest.classicSize()];
                for (int i = 0; i < bounds.length; i++) {
                    bounds[i] = widest.classicBound(i);
                }
            }
            for (OutputSeries s : series) {
                TrafficKey k = key(s);
                Counts c = traffic.get(k);
                if (c == null) {
                    c = new Counts(bounds.length);
                    traffic.put(k, c);
                }
                addAligned(s.histogram(), bounds, c.buckets);
            }
        }
        FamilyAcc responses = agg.get(ProxySeries.RESPONSES);
        if (responses != null) {
            for (OutputSeries s : responses.series()) {
                Counts c = traffic.computeIfAbsent(key(s), k -> new Counts(0));
                if ("failure".equals(s.labels().get("classification"))) {
                    c.failure += (long) s.value();
                } else {
                    c.success += (long) s.value();
                }
            }
        }
        Map<String, PodTcp> tcp = new HashMap<>();
        addTcp(agg.get(ProxySeries.TCP_OPEN), tcp, (t, v) -> t.open += v);
        addTcp(agg.get(ProxySeries.TCP_READ_BYTES), tcp, (t, v) -> t.readBytes += v);
        addTcp(agg.get(ProxySeries.TCP_WRITE_BYTES), tcp, (t, v) -> t.writeBytes += v);
        return new LiveSnapshot(nanos, bounds, traffic, tcp);
    }

    /** Adds, at each bound, the histogram's cumulative count at its highest bucket bound not above it. */
    private static void addAligned(HistogramAcc h, double[] bounds, long[] into) {
        int j = -1;
        for (int i = 0; i < bounds.length; i++) {
            while (j + 1 < h.classicSize() && Double.compare(h.classicBound(j + 1), bounds[i]) <= 0) {
                j++;
            }
            into[i] += j < 0 ? 0 : h.classicCumulative(j);
        }
    }

    private static void addTcp(FamilyAcc f, Map<String, PodTcp> tcp, java.util.function.ObjDoubleConsumer<PodTcp> add) {
        if (f == null) {
            return;
        }
        for (OutputSeries s : f.series()) {
            String pod;
            if (s.derived() instanceof String known) {
                pod = known;
            } else {
                pod = podKey(s.labels().get(NAMESPACE), s.labels().get(POD));
                s.derived(pod);
            }
            PodTcp t = tcp.get(pod);
            if (t == null) {
                t = new PodTcp();
                tcp.put(pod, t);
            }
            add.accept(t, s.value());
        }
    }

    static String podKey(String namespace, String pod) {
        return namespace + "/" + pod;
    }

    /** The traffic key of a series, derived from its labels once and kept with it. */
    private static TrafficKey key(OutputSeries s) {
        if (s.derived() instanceof TrafficKey k) {
            return k;
        }
        LabelSet l = s.labels();
        TrafficKey k = new TrafficKey(l.get(DIRECTION),
                new WorkloadRef(l.get(WORKLOAD_KIND), l.get(NAMESPACE), l.get(WORKLOAD)), l.get(POD),
                new WorkloadRef(l.get(SRC_KIND), l.get(SRC_NAMESPACE), l.get(SRC_WORKLOAD)),
                new WorkloadRef(l.get(DST_KIND), l.get(DST_NAMESPACE), l.get(DST_WORKLOAD)),
                l.get("authority"), l.get("route"));
        s.derived(k);
        return k;
    }
}
