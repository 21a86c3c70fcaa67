package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.Proxies;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;

/**
 * A request's W3C {@code traceparent} (or B3) trace id becomes the {@code trace_id} exemplar of
 * its latency observation, in OpenMetrics and protobuf, and the {@code trace_id} of its tap events;
 * a request without one adds no exemplar.
 */
class TraceExemplarTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<byte[]> metrics(RunningProxy p, String accept) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.adminPort() + "/metrics"))
                .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theTraceIdIsTheLatencyExemplarInOpenMetricsAndProtobuf() throws Exception {
        try (Backend app = new Backend(); RunningProxy p = ProxyServer.start(Proxies.config(app.address()).build())) {
            String base = "http://127.0.0.1:" + p.inboundPorts().get(0);
            client.send(HttpRequest.newBuilder(URI.create(base + "/untraced")).build(), HttpResponse.BodyHandlers.ofString());
            String om = new String(metrics(p, "application/openmetrics-text; version=1.0.0").body());
            assertThat(om).contains("meshlens_response_latency_seconds_bucket").doesNotContain("trace_id");

            client.send(HttpRequest.newBuilder(URI.create(base + "/traced")).header("traceparent", TRACEPARENT).build(),
                    HttpResponse.BodyHandlers.ofString());
            client.send(HttpRequest.newBuilder(URI.create(base + "/b3")).header("b3", "e457b5a2e4d86bd1-05e3ac9a4f6e3b90-1").build(),
                    HttpResponse.BodyHandlers.ofString());

            om = new String(metrics(p, "application/openmetrics-text; version=1.0.0").body());
            assertThat(om).containsPattern("meshlens_response_latency_seconds_bucket\\{[^}]*\\} \\d+ # \\{trace_id=\"(" + TRACE_ID
                    + "|0000000000000000e457b5a2e4d86bd1)\"\\} [0-9.eE+-]+ [0-9.]+");

            HttpResponse<byte[]> pb = metrics(p, "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
            List<String> traceIds = new ArrayList<>();
            ByteArrayInputStream in = new ByteArrayInputStream(pb.body());
            for (Metrics.MetricFamily f; (f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null;) {
                if (f.getName().equals("meshlens_response_latency_seconds")) {
                    for (Metrics.Metric m : f.getMetricList()) {
                        for (Metrics.Bucket b : m.getHistogram().getBucketList()) {
                            if (b.hasExemplar()) {
                                traceIds.add(b.getExemplar().getLabel(0).getName() + "=" + b.getExemplar().getLabel(0).getValue());
                                assertThat(b.getExemplar().getValue()).isLessThanOrEqualTo(b.getUpperBound());
                            }
                        }
                    }
                }
            }
            // Both requests' latencies fall in the same bucket or in two: the newest per bucket is kept.
            assertThat(traceIds).isNotEmpty().allMatch(t -> t.equals("trace_id=" + TRACE_ID) || t.equals("trace_id=0000000000000000e457b5a2e4d86bd1"));
        }
    }

    @Test
    void tapEventsCarryTheTraceId() throws Exception {
        try (Backend app = new Backend(); RunningProxy p = ProxyServer.start(Proxies.config(app.address()).build())) {
            HttpResponse<java.util.stream.Stream<String>> tap = client.sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + p.adminPort() + "/tap?path=/traced")).build(),
                    HttpResponse.BodyHandlers.ofLines()).get(20, TimeUnit.SECONDS);
            Iterator<String> lines = tap.body().iterator();
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.inboundPorts().get(0) + "/traced"))
                    .header("traceparent", TRACEPARENT).build(), HttpResponse.BodyHandlers.ofString());
            List<JsonNode> events = new ArrayList<>();
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                while (events.size() < 3 && lines.hasNext()) {
                    try {
                        events.add(JSON.readTree(lines.next()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }).get(20, TimeUnit.SECONDS);
            assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("req", "rsp", "end");
            assertThat(events).allSatisfy(e -> assertThat(e.path("trace_id").asText()).isEqualTo(TRACE_ID));
        }
    }
}
