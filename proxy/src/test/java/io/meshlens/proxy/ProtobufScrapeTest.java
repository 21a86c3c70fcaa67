package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshlens.proxy.routes.RouteTable;
import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.Proxies;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;

/** The protobuf exposition (what Prometheus asks for to get native histograms), parsed, plus route labels. */
class ProtobufScrapeTest {
    @TempDir
    Path dir;

    @Test
    void protobufHasNativeHistogramAndExactCountsPerRoute() throws Exception {
        Path routes = dir.resolve("routes.yaml");
        Files.writeString(routes, "routes:\n  - {name: status, method: GET, path: \"/status/*\"}\n");
        try (Backend app = new Backend();
             RunningProxy p = ProxyServer.start(Proxies.config(app.address())
                     .routes(RouteTable.load("MESHLENS_ROUTES", routes)).build())) {
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + p.inboundPorts().get(0);
            for (int i = 0; i < 40; i++) {
                c.send(HttpRequest.newBuilder(URI.create(base + "/status/" + (i % 4 == 0 ? 500 : 200))).build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            for (int i = 0; i < 7; i++) {
                c.send(HttpRequest.newBuilder(URI.create(base + "/other")).build(), HttpResponse.BodyHandlers.ofString());
            }
            HttpResponse<byte[]> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.adminPort() + "/metrics"))
                    .header("Accept", "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.headers().firstValue("content-type").orElse("")).contains("application/vnd.google.protobuf");
            Map<String, Metrics.MetricFamily> families = new HashMap<>();
            ByteArrayInputStream in = new ByteArrayInputStream(r.body());
            Metrics.MetricFamily f;
            while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
                families.put(f.getName(), f);
            }
            Metrics.MetricFamily latency = families.get("meshlens_response_latency_seconds");
            assertThat(latency.getType()).isEqualTo(Metrics.MetricType.HISTOGRAM);
            long count = 0;
            for (Metrics.Metric m : latency.getMetricList()) {
                Metrics.Histogram h = m.getHistogram();
                if (h.getSampleCount() > 0) {
                    assertThat(h.getPositiveSpanCount()).isPositive(); // native buckets present
                }
                assertThat(h.getBucketCount()).isEqualTo(15);    // the 15 classic ones too, +Inf included
                count += h.getSampleCount();
            }
            assertThat(count).isEqualTo(47);
            Map<String, Double> byRouteStatus = new HashMap<>();
            for (Metrics.Metric m : families.get("meshlens_responses_total").getMetricList()) {
                Map<String, String> l = new HashMap<>();
                m.getLabelList().forEach(lp -> l.put(lp.getName(), lp.getValue()));
                byRouteStatus.merge(l.get("route") + "/" + l.get("status_code") + "/" + l.get("classification"),
                        m.getCounter().getValue(), Double::sum);
            }
            assertThat(byRouteStatus).containsEntry("status/200/success", 30.0).containsEntry("status/500/failure", 10.0)
                    .containsEntry("default/200/success", 7.0).hasSize(3);
        }
    }
}
