package io.meshlens.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.testing.PromText;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;

class ProxyMetricsTest {
    private static PromText scrape(ProxyMetrics m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, m.registry().scrape());
        return PromText.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void capsLabelsAndCountsOverflow() throws Exception {
        ProxyMetrics m = new ProxyMetrics(ProxyConfig.builder().labelLimit(3).build(), "t");
        for (int i = 0; i < 10; i++) {
            EdgeMetrics e = m.edge(Direction.OUTBOUND, Protocol.HTTP1, "svc" + i + ":80", "default", m.limitPeer("10.0.0." + i));
            e.request();
            e.response(200, -1, ProxyError.NONE, 1000, 0, 0);
        }
        PromText p = scrape(m);
        assertThat(p.sum("meshlens_requests_total", Map.of("authority", "overflow"))).isEqualTo(7);
        assertThat(p.sum("meshlens_requests_total", Map.of("peer", "overflow"))).isEqualTo(7);
        assertThat(p.sum("meshlens_label_overflow_total", Map.of("label", "authority"))).isEqualTo(7);
        assertThat(p.sum("meshlens_label_overflow_total", Map.of("label", "peer"))).isEqualTo(7);
        assertThat(p.named("meshlens_requests_total").stream().map(s -> s.labels().get("authority")).distinct().count())
                .isEqualTo(4); // 3 + overflow
    }

    @Test
    void classificationPerContract() throws Exception {
        ProxyMetrics m = new ProxyMetrics(ProxyConfig.builder().build(), "t");
        EdgeMetrics e = m.edge(Direction.INBOUND, Protocol.GRPC, "a:80", "default", "1.2.3.4");
        assertThat(e.isFailure(200, 0, ProxyError.NONE)).isFalse();
        assertThat(e.isFailure(200, 5, ProxyError.NONE)).isFalse();  // NOT_FOUND: client fault
        assertThat(e.isFailure(200, 14, ProxyError.NONE)).isTrue();  // UNAVAILABLE
        assertThat(e.isFailure(404, -1, ProxyError.NONE)).isFalse();
        assertThat(e.isFailure(503, -1, ProxyError.NONE)).isTrue();
        assertThat(e.isFailure(200, -1, ProxyError.UPSTREAM_RESET)).isTrue();
        e.response(200, 14, ProxyError.NONE, 2_000_000, 10, 20);
        PromText p = scrape(m);
        assertThat(p.sum("meshlens_responses_total", Map.of("grpc_status", "UNAVAILABLE", "classification", "failure")))
                .isEqualTo(1);
        assertThat(p.sum("meshlens_response_latency_seconds_bucket", s -> "0.0025".equals(s.labels().get("le"))
                && "failure".equals(s.labels().get("classification")))).isEqualTo(1);
        assertThat(p.sum("meshlens_response_latency_seconds_bucket", s -> "0.001".equals(s.labels().get("le"))
                && "failure".equals(s.labels().get("classification")))).isZero();
    }
}
