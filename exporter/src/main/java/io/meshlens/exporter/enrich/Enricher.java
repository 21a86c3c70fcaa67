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

import java.io.IOException;

import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.WorkloadRef;
import io.meshlens.exporter.identity.IdentityResolver;
import io.meshlens.exporter.scrape.PageReader;

/**
 * Turns one proxy's page into enriched series: the reporting pod's identity is added to every
 * series, and on series that carry a {@code peer} the peer is replaced by the workload on the
 * other side ({@code src_*} for inbound, {@code dst_*} for outbound). Series that become
 * identical are summed by the {@link Aggregation}.
 *
 * <p>The page is walked in place ({@link PageReader}); a series the target's {@link TargetSeries}
 * already knows (same label bytes, same identities) goes straight to its output series, and only
 * a new one has its labels decoded and resolved.
 */
public final class Enricher {
    private Enricher() {}

    /**
     * Adds a page (already checked by {@code ProtobufPage.check}) to the cycle's aggregation.
     *
     * @return how many input series it held
     * @throws IOException if the page is not a protobuf exposition after all (then some of its
     *     series may have been added)
     */
    public static int enrich(PodInfo pod, WorkloadRef workload, byte[] page, TargetSeries known, IdentityResolver resolver,
                             Aggregation out) throws IOException {
        known.revalidate(pod, workload, resolver);
        TargetSeries.Page families = known.page();
        PageReader r = new PageReader(page);
        String[] label = new String[2];
        int in = 0;
        while (r.nextFamily()) {
            TargetSeries.Family f = families.family(r);
            FamilyType type = typeOf(f.type(), f.name);
            FamilyAcc family = out.family(baseName(f.name, type), type, f.help);
            if (family != null) {
                while (r.nextMetric()) {
                    in++;
                    OutputSeries s = f.known(r, family);
                    if (s == null) {
                        s = family.series(labels(pod, workload, r, label, resolver, known));
                        f.resolved(r, s);
                    }
                    family.add(s, r.values());
                }
            }
            f.endSeries();
        }
        families.end();
        return in;
    }

    private static LabelSet labels(PodInfo pod, WorkloadRef workload, PageReader r, String[] label, IdentityResolver resolver,
                                   TargetSeries known) throws IOException {
        LabelSet.Builder labels = LabelSet.builder(r.labelCount() + 10);
        String peer = null;
        for (int i = 0; i < r.labelCount(); i++) {
            r.label(i, label);
            if (PEER.equals(label[0])) {
                peer = label[1];
            } else {
                labels.put(label[0], label[1]);
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
            known.resolved(peer, authority, outbound, other);
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

    /** The exposed type of a family: {@code MetricType} number and name (gauges named {@code *_info} are info). */
    static FamilyType typeOf(int metricType, String name) {
        switch (metricType) {
            case PageReader.COUNTER: return FamilyType.COUNTER;
            case PageReader.GAUGE: return name.endsWith("_info") ? FamilyType.INFO : FamilyType.GAUGE;
            case PageReader.HISTOGRAM: return FamilyType.HISTOGRAM;
            case PageReader.SUMMARY: return FamilyType.SUMMARY;
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
