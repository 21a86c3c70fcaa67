package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.EdgeMetrics;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;

/**
 * The latency histogram of known observations, scraped from a running proxy's admin /metrics in
 * the three formats it serves: classic buckets, _count and _sum in text and OpenMetrics; classic
 * and native buckets (schema 2, zero bucket, spans) in protobuf.
 */
class LatencyExpositionTest {
    private static final String AUTHORITY = "known.test:80";
    /** 0, 0.3 ms, 0.5 ms (on a classic bound), 0.500001 ms, 1 ms, 1 s, 20 s. */
    private static final long[] NANOS = {0, 300_000, 500_000, 500_001, 1_000_000, 1_000_000_000L, 20_000_000_000L};
    /** Cumulative counts per le, as the text formats print them. */
    private static final Map<String, Double> CUMULATIVE = new LinkedHashMap<>();

    static {
        String[] le = {"5.0E-4", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0",
                       "2.5", "5.0", "10.0", "+Inf"};
        double[] counts = {3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 7};
        for (int i = 0; i < le.length; i++) {
            CUMULATIVE.put(le[i], counts[i]);
        }
    }

    private static Backend app;
    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        app = new Backend();
        proxy = ProxyServer.start(Proxies.config(app.address()).build());
        EdgeMetrics edge = proxy.metrics().edge(Direction.INBOUND, Protocol.HTTP1, AUTHORITY, "default",
                proxy.metrics().limitPeer("10.1.2.3"));
        for (long n : NANOS) {
            edge.request();
            edge.response(200, -1, ProxyError.NONE, n, 0, 0);
        }
        edge.request();
        edge.response(502, -1, ProxyError.CONNECT_REFUSED, 2_000_000, 0, 0); // 2 ms, a failure
    }

    @AfterAll
    static void stop() {
        proxy.close();
        app.close();
    }

    private static void assertClassic(PromText page) {
        Map<String, String> success = Map.of("authority", AUTHORITY, "classification", "success");
        for (Map.Entry<String, Double> e : CUMULATIVE.entrySet()) {
            assertThat(page.sum("meshlens_response_latency_seconds_bucket",
                    s -> s.labels().entrySet().containsAll(success.entrySet()) && e.getKey().equals(s.labels().get("le"))))
                    .as("le=%s", e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(page.sum("meshlens_response_latency_seconds_count", success)).isEqualTo(7);
        assertThat(page.sum("meshlens_response_latency_seconds_sum", success)).isCloseTo(21.002300001,
                org.assertj.core.data.Offset.offset(1e-9));
        Map<String, String> failure = Map.of("authority", AUTHORITY, "classification", "failure");
        assertThat(page.sum("meshlens_response_latency_seconds_count", failure)).isEqualTo(1);
        assertThat(page.sum("meshlens_response_latency_seconds_bucket",
                s -> s.labels().entrySet().containsAll(failure.entrySet()) && "0.0025".equals(s.labels().get("le"))))
                .isEqualTo(1);
        assertThat(page.sum("meshlens_response_latency_seconds_bucket",
                s -> s.labels().entrySet().containsAll(failure.entrySet()) && "0.001".equals(s.labels().get("le"))))
                .isZero();
        assertThat(page.named("meshlens_response_latency_seconds_bucket").stream()
                .filter(s -> s.labels().entrySet().containsAll(success.entrySet()))
                .map(s -> List.copyOf(s.labels().keySet())).distinct().toList())
                .containsExactly(List.of("authority", "classification", "direction", "peer", "protocol", "route", "le"));
    }

    @Test
    void prometheusText() throws Exception {
        PromText page = PromText.parse(Proxies.get(proxy, "/metrics", null));
        assertThat(page.types()).containsEntry("meshlens_response_latency_seconds", "histogram");
        assertClassic(page);
    }

    @Test
    void openMetricsText() throws Exception {
        String body = Proxies.get(proxy, "/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(body).endsWith("# EOF\n");
        PromText page = PromText.parse(body);
        assertThat(page.types()).containsEntry("meshlens_response_latency_seconds", "histogram");
        assertClassic(page);
    }

    @Test
    void protobufHasClassicAndNativeBuckets() throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.adminPort() + "/metrics"))
                .header("Accept", "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        Metrics.MetricFamily latency = null;
        ByteArrayInputStream in = new ByteArrayInputStream(r.body());
        Metrics.MetricFamily f;
        while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
            if (f.getName().equals("meshlens_response_latency_seconds")) {
                latency = f;
            }
        }
        assertThat(latency).isNotNull();
        assertThat(latency.getType()).isEqualTo(Metrics.MetricType.HISTOGRAM);
        Metrics.Histogram success = null;
        Metrics.Histogram failure = null;
        for (Metrics.Metric m : latency.getMetricList()) {
            Map<String, String> labels = new LinkedHashMap<>();
            m.getLabelList().forEach(l -> labels.put(l.getName(), l.getValue()));
            if (AUTHORITY.equals(labels.get("authority"))) {
                if ("success".equals(labels.get("classification"))) {
                    success = m.getHistogram();
                } else {
                    failure = m.getHistogram();
                }
            }
        }
        assertThat(success).isNotNull();
        assertThat(success.getSampleCount()).isEqualTo(7);
        assertThat(success.getSampleSum()).isCloseTo(21.002300001, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(success.getBucketCount()).isEqualTo(15);
        int i = 0;
        for (double expected : CUMULATIVE.values()) {
            assertThat(success.getBucket(i++).getCumulativeCount()).isEqualTo((long) expected);
        }
        assertThat(success.getSchema()).isEqualTo(2);
        assertThat(success.getZeroThreshold()).isEqualTo(Math.pow(2, -20));
        assertThat(success.getZeroCount()).isEqualTo(1);
        // 3e-4 s -> -46, 5e-4 and 5.00001e-4 -> -43, 1e-3 -> -39, 1 s -> 0, 20 s -> 18
        assertThat(nativeBuckets(success)).containsExactly(Map.entry(-46, 1L), Map.entry(-43, 2L), Map.entry(-39, 1L),
                Map.entry(0, 1L), Map.entry(18, 1L));
        assertThat(success.getNegativeSpanCount()).isZero();
        assertThat(failure.getSampleCount()).isEqualTo(1);
        assertThat(failure.getSchema()).isEqualTo(2);
        assertThat(nativeBuckets(failure)).containsExactly(Map.entry(-35, 1L)); // 2 ms: ceil(4 * -8.966)
    }

    /** Spans and delta-encoded counts to index -> count (non-zero only). */
    private static Map<Integer, Long> nativeBuckets(Metrics.Histogram h) {
        Map<Integer, Long> out = new LinkedHashMap<>();
        int index = 0;
        int d = 0;
        long count = 0;
        for (Metrics.BucketSpan span : h.getPositiveSpanList()) {
            index += span.getOffset();
            for (int j = 0; j < span.getLength(); j++) {
                count += h.getPositiveDelta(d++);
                if (count != 0) {
                    out.put(index, count);
                }
                index++;
            }
        }
        assertThat(d).isEqualTo(h.getPositiveDeltaCount());
        return out;
    }
}
