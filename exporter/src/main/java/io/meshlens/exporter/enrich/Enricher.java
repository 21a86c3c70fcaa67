package io.meshlens.exporter.enrich;

import static io.meshlens.exporter.identity.IdentityLabels.AUTHORITY;
import static io.meshlens.exporter.identity.IdentityLabels.DIRECTION;
import static io.meshlens.exporter.identity.IdentityLabels.DST_KIND;
import static io.meshlens.exporter.identity.IdentityLabels.DST_NAMESPACE;
import static io.meshlens.exporter.identity.IdentityLabels.DST_WORKLOAD;
import static io.meshlens.exporter.identity.IdentityLabels.NAMESPACE;
import static io.meshlens.exporter.identity.IdentityLabels.PEER;
import static io.meshlens.exporter.identity.IdentityLabels.POD;
import static io.meshlens.exporter.identity.IdentityLabels.SRC_KIND;
import static io.meshlens.exporter.identity.IdentityLabels.SRC_NAMESPACE;
import static io.meshlens.exporter.identity.IdentityLabels.SRC_WORKLOAD;
import static io.meshlens.exporter.identity.IdentityLabels.WORKLOAD;
import static io.meshlens.exporter.identity.IdentityLabels.WORKLOAD_KIND;

import java.util.List;

import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.WorkloadRef;
import io.meshlens.exporter.identity.IdentityResolver;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics.MetricFamily;

/**
 * Turns one proxy's page into enriched series: the reporting pod's identity is added to every
 * series, and on series that carry a {@code peer} the peer is replaced by the workload on the
 * other side ({@code src_*} for inbound, {@code dst_*} for outbound). Series that become
 * identical are summed by the {@link Aggregation}.
 */
public final class Enricher {
    private Enricher() {}

    /** Adds a page to the cycle's aggregation; returns how many input series it held. */
    public static int enrich(PodInfo pod, WorkloadRef workload, List<MetricFamily> page, IdentityResolver resolver,
                             Aggregation out) {
        int in = 0;
        for (MetricFamily f : page) {
            FamilyType type = typeOf(f);
            FamilyAcc family = out.family(baseName(f.getName(), type), type, f.getHelp());
            if (family == null) {
                continue;
            }
            for (Metrics.Metric m : f.getMetricList()) {
                in++;
                LabelSet labels = labels(pod, workload, m, resolver);
                switch (type) {
                    case COUNTER: family.addValue(labels, m.getCounter().getValue()); break;
                    case GAUGE: family.addValue(labels, m.getGauge().getValue()); break;
                    case INFO: family.addValue(labels, 1); break;
                    case HISTOGRAM: family.addHistogram(labels, m.getHistogram()); break;
                    case SUMMARY: family.addSummary(labels, m.getSummary()); break;
                    default: family.addValue(labels, m.getUntyped().getValue()); break;
                }
            }
        }
        return in;
    }

    private static LabelSet labels(PodInfo pod, WorkloadRef workload, Metrics.Metric m, IdentityResolver resolver) {
        LabelSet.Builder labels = LabelSet.builder(m.getLabelCount() + 10);
        String peer = null;
        for (Metrics.LabelPair lp : m.getLabelList()) {
            if (PEER.equals(lp.getName())) {
                peer = lp.getValue();
            } else {
                labels.put(lp.getName(), lp.getValue());
            }
        }
        labels.put(NAMESPACE, pod.namespace());
        labels.put(POD, pod.name());
        labels.put(WORKLOAD_KIND, workload.kind());
        labels.put(WORKLOAD, workload.name());
        if (peer != null) {
            boolean outbound = "outbound".equals(labels.get(DIRECTION, ""));
            String authority = labels.get(AUTHORITY, "");
            WorkloadRef other = resolver.resolve(peer, authority, outbound, pod.namespace());
            WorkloadRef src = outbound ? workload : other;
            WorkloadRef dst = outbound ? other : workload;
            labels.put(SRC_NAMESPACE, src.namespace());
            labels.put(SRC_KIND, src.kind());
            labels.put(SRC_WORKLOAD, src.name());
            labels.put(DST_NAMESPACE, dst.namespace());
            labels.put(DST_KIND, dst.kind());
            labels.put(DST_WORKLOAD, dst.name());
        }
        return labels.build();
    }

    static FamilyType typeOf(MetricFamily f) {
        switch (f.getType()) {
            case COUNTER: return FamilyType.COUNTER;
            case GAUGE: return f.getName().endsWith("_info") ? FamilyType.INFO : FamilyType.GAUGE;
            case HISTOGRAM: return FamilyType.HISTOGRAM;
            case SUMMARY: return FamilyType.SUMMARY;
            default: return FamilyType.UNKNOWN;
        }
    }

    /** client_java adds {@code _total} to counters and {@code _info} to info metrics when it writes them. */
    static String baseName(String name, FamilyType type) {
        if (type == FamilyType.COUNTER && name.endsWith("_total")) {
            return name.substring(0, name.length() - 6);
        }
        if (type == FamilyType.INFO) {
            return name.substring(0, name.length() - 5);
        }
        return name;
    }
}
