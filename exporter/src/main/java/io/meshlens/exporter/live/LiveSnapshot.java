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
import java.util.Map;
import java.util.TreeMap;

import io.meshlens.exporter.discovery.WorkloadRef;
import io.meshlens.exporter.enrich.Aggregation;
import io.meshlens.exporter.enrich.FamilyAcc;
import io.meshlens.exporter.enrich.LabelSet;
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
            for (var e : latency.histograms().entrySet()) {
                TreeMap<Double, Long> cum = e.getValue().cumulativeBuckets();
                if (bounds.length < cum.size()) {
                    bounds = cum.keySet().stream().mapToDouble(Double::doubleValue).toArray();
                }
            }
            for (var e : latency.histograms().entrySet()) {
                Counts c = traffic.computeIfAbsent(key(e.getKey()), k -> new Counts(0));
                Counts h = new Counts(0);
                h.buckets = align(e.getValue().cumulativeBuckets(), bounds);
                c.add(h);
            }
        }
        FamilyAcc responses = agg.get(ProxySeries.RESPONSES);
        if (responses != null) {
            for (var e : responses.values().entrySet()) {
                Counts c = traffic.computeIfAbsent(key(e.getKey()), k -> new Counts(0));
                if ("failure".equals(e.getKey().get("classification"))) {
                    c.failure += (long) e.getValue()[0];
                } else {
                    c.success += (long) e.getValue()[0];
                }
            }
        }
        Map<String, PodTcp> tcp = new HashMap<>();
        addTcp(agg.get(ProxySeries.TCP_OPEN), tcp, (t, v) -> t.open += v);
        addTcp(agg.get(ProxySeries.TCP_READ_BYTES), tcp, (t, v) -> t.readBytes += v);
        addTcp(agg.get(ProxySeries.TCP_WRITE_BYTES), tcp, (t, v) -> t.writeBytes += v);
        return new LiveSnapshot(nanos, bounds, traffic, tcp);
    }

    private static long[] align(TreeMap<Double, Long> cumulative, double[] bounds) {
        long[] out = new long[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            var floor = cumulative.floorEntry(bounds[i]);
            out[i] = floor == null ? 0 : floor.getValue();
        }
        return out;
    }

    private static void addTcp(FamilyAcc f, Map<String, PodTcp> tcp, java.util.function.ObjDoubleConsumer<PodTcp> add) {
        if (f == null) {
            return;
        }
        for (var e : f.values().entrySet()) {
            add.accept(tcp.computeIfAbsent(podKey(e.getKey().get(NAMESPACE), e.getKey().get(POD)), k -> new PodTcp()),
                    e.getValue()[0]);
        }
    }

    static String podKey(String namespace, String pod) {
        return namespace + "/" + pod;
    }

    private static TrafficKey key(LabelSet l) {
        return new TrafficKey(l.get(DIRECTION),
                new WorkloadRef(l.get(WORKLOAD_KIND), l.get(NAMESPACE), l.get(WORKLOAD)), l.get(POD),
                new WorkloadRef(l.get(SRC_KIND), l.get(SRC_NAMESPACE), l.get(SRC_WORKLOAD)),
                new WorkloadRef(l.get(DST_KIND), l.get(DST_NAMESPACE), l.get(DST_WORKLOAD)),
                l.get("authority"), l.get("route"));
    }
}
