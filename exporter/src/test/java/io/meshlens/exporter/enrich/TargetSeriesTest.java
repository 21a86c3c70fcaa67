package io.meshlens.exporter.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshlens.exporter.discovery.Cluster;
import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.StaticInventory;
import io.meshlens.exporter.identity.IdentityResolver;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/**
 * The per-target cache of resolved series: a steady page reuses its output series, and anything
 * that changes identity (a pod moving to another workload, the reporting pod's own workload,
 * the order of the page) gives the same output as a fresh enrichment would.
 */
class TargetSeriesTest {
    @TempDir
    Path dir;

    private static final String WEB = "10.1.0.5";
    private static final String API_1 = "10.1.0.6";
    private static final String API_2 = "10.1.0.7";

    /** web-1 reports inbound requests from two callers; which workload they belong to is the point. */
    private Cluster inventory(String callerOwner1, String callerOwner2, String webOwner) throws Exception {
        Path f = dir.resolve("inv-" + callerOwner1 + "-" + callerOwner2 + "-" + webOwner + ".yaml");
        Files.writeString(f, "pods:\n"
                + "  - {namespace: shop, name: web-1, ip: " + WEB + ", owners: [{kind: Deployment, name: " + webOwner + "}]}\n"
                + "  - {namespace: shop, name: caller-1, ip: " + API_1 + ", owners: [{kind: Deployment, name: " + callerOwner1 + "}]}\n"
                + "  - {namespace: shop, name: caller-2, ip: " + API_2 + ", owners: [{kind: Deployment, name: " + callerOwner2 + "}]}\n");
        return StaticInventory.load(f);
    }

    private static byte[] page(boolean reversed) throws Exception {
        Metrics.MetricFamily.Builder f = Metrics.MetricFamily.newBuilder().setName("meshlens_requests_total")
                .setHelp("Requests.").setType(Metrics.MetricType.COUNTER);
        List<Metrics.Metric> metrics = new ArrayList<>();
        metrics.add(request(API_1, 10));
        metrics.add(request(API_2, 5));
        if (reversed) {
            Collections.reverse(metrics);
        }
        metrics.forEach(f::addMetric);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.build().writeDelimitedTo(out);
        return out.toByteArray();
    }

    private static Metrics.Metric request(String peer, double value) {
        return Metrics.Metric.newBuilder()
                .addLabel(Metrics.LabelPair.newBuilder().setName("direction").setValue("inbound"))
                .addLabel(Metrics.LabelPair.newBuilder().setName("peer").setValue(peer))
                .setCounter(Metrics.Counter.newBuilder().setValue(value)).build();
    }

    /** One cycle over web-1's page with this cluster view; returns src_workload -> value. */
    private static List<String> cycle(Aggregation agg, TargetSeries known, Cluster cluster, byte[] page) throws Exception {
        agg.beginCycle();
        PodInfo web = cluster.podByIp(WEB).orElseThrow();
        Enricher.enrich(web, cluster.workloadOf(web), page, known, new IdentityResolver(cluster), agg);
        List<String> out = new ArrayList<>();
        for (MetricSnapshot s : agg.toSnapshots()) {
            for (CounterDataPointSnapshot dp : ((CounterSnapshot) s).getDataPoints()) {
                out.add(dp.getLabels().get("workload") + " <- " + dp.getLabels().get("src_workload") + " = " + dp.getValue());
            }
        }
        return out;
    }

    @Test
    void aSteadyPageAddsIntoTheSameOutputSeries() throws Exception {
        Cluster cluster = inventory("api", "api", "web");
        Aggregation agg = new Aggregation();
        TargetSeries known = new TargetSeries();
        byte[] page = page(false);
        assertThat(cycle(agg, known, cluster, page)).containsExactly("web <- api = 15.0");
        OutputSeries first = agg.get("meshlens_requests").series().get(0);
        // A new page with the same bytes, as every scrape brings: summed anew, into the same series.
        assertThat(cycle(agg, known, cluster, page.clone())).containsExactly("web <- api = 15.0");
        assertThat(agg.get("meshlens_requests").series()).containsExactly(first);
    }

    @Test
    void aCallerMovingToAnotherWorkloadIsNamedByItsNewWorkload() throws Exception {
        Aggregation agg = new Aggregation();
        TargetSeries known = new TargetSeries();
        byte[] page = page(false);
        assertThat(cycle(agg, known, inventory("api", "api", "web"), page)).containsExactly("web <- api = 15.0");
        // caller-2's IP now belongs to a pod of another workload: the cached series must not be reused.
        assertThat(cycle(agg, known, inventory("api", "worker", "web"), page))
                .containsExactly("web <- api = 10.0", "web <- worker = 5.0");
        assertThat(cycle(agg, known, inventory("api", "api", "web"), page)).containsExactly("web <- api = 15.0");
    }

    @Test
    void theReportingPodMovingToAnotherWorkloadRelabelsItsSeries() throws Exception {
        Aggregation agg = new Aggregation();
        TargetSeries known = new TargetSeries();
        byte[] page = page(false);
        assertThat(cycle(agg, known, inventory("api", "api", "web"), page)).containsExactly("web <- api = 15.0");
        assertThat(cycle(agg, known, inventory("api", "api", "web-v2"), page)).containsExactly("web-v2 <- api = 15.0");
    }

    @Test
    void aPageInAnotherOrderGivesTheSameOutput() throws Exception {
        Cluster cluster = inventory("api", "worker", "web");
        Aggregation agg = new Aggregation();
        TargetSeries known = new TargetSeries();
        assertThat(cycle(agg, known, cluster, page(false))).containsExactly("web <- api = 10.0", "web <- worker = 5.0");
        assertThat(cycle(agg, known, cluster, page(true))).containsExactly("web <- api = 10.0", "web <- worker = 5.0");
    }

    @Test
    void seriesThatStopArrivingAreDroppedAtTheEndOfTheCycle() throws Exception {
        Cluster cluster = inventory("api", "worker", "web");
        Aggregation agg = new Aggregation();
        assertThat(cycle(agg, new TargetSeries(), cluster, page(false))).hasSize(2);
        agg.beginCycle();
        assertThat(agg.toSnapshots()).isEmpty();
        assertThat(agg.seriesCount()).isZero();
    }
}
