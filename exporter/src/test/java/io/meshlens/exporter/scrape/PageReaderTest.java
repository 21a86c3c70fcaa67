package io.meshlens.exporter.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshlens.exporter.testing.FakePod;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics.MetricFamily;
import io.prometheus.metrics.shaded.com_google_protobuf_4_36_2.CodedOutputStream;

/**
 * {@link PageReader} reads what the generated protobuf classes read, on pages written by the real
 * proxy, and {@link ProtobufPage#check} rejects what they reject, with the reason.
 */
class PageReaderTest {
    @Test
    void readsRealProxyPagesAsTheGeneratedClassesDo() throws Exception {
        try (FakePod web = FakePod.start("127.0.1.90", Map.of());
             FakePod bot = FakePod.start("127.0.1.91", Map.of("web-svc", web.inbound()))) {
            HttpClient viaBot = HttpClient.newBuilder().proxy(ProxySelector.of(bot.outbound())).build();
            for (String path : List.of("/ok", "/ok", "/ok", "/status/500", "/ok")) {
                viaBot.send(HttpRequest.newBuilder(URI.create("http://web-svc" + path)).build(), HttpResponse.BodyHandlers.discarding());
            }
            // Exchanges are recorded when the proxy's last write completes: wait for all five.
            await().atMost(Duration.ofSeconds(10)).until(() -> described(page(web)).stream()
                    .anyMatch(m -> m.startsWith("meshlens_response_latency_seconds") && m.contains("count=4 ")));
            for (FakePod pod : List.of(web, bot)) {
                byte[] page = page(pod);
                List<MetricFamily> generated = ProtobufPage.parse(page, 1_000_000, pod.ip);
                List<String> expected = generated(generated);
                assertThat(described(page)).isEqualTo(expected);
                assertThat(ProtobufPage.check(page, 1_000_000, pod.ip).series())
                        .isEqualTo(generated.stream().mapToInt(MetricFamily::getMetricCount).sum());
            }
            List<String> webPage = described(page(web));
            assertThat(webPage).anyMatch(m -> m.contains("schema=") && m.contains("pos=[") && !m.contains("pos=[]"));
            assertThat(ProtobufPage.check(page(web), 1_000_000, "web").version()).isNotEmpty();
        }
    }

    /** Labels interleaved with values, unknown fields and a field with an unexpected wire type are read as protobuf does. */
    @Test
    void oddButValidEncodingsAreReadLikeTheGeneratedClassesDo() throws Exception {
        ByteArrayOutputStream metric = new ByteArrayOutputStream();
        CodedOutputStream m = CodedOutputStream.newInstance(metric);
        m.writeByteArray(1, label("a", "1").toByteArray());
        m.writeByteArray(3, Metrics.Counter.newBuilder().setValue(42).build().toByteArray());
        m.writeUInt64(99, 7); // unknown field
        m.writeByteArray(1, label("b", "2").toByteArray());
        m.writeUInt64(3, 5); // counter with a varint wire type: unknown to protobuf, skipped
        m.flush();
        ByteArrayOutputStream family = new ByteArrayOutputStream();
        CodedOutputStream f = CodedOutputStream.newInstance(family);
        f.writeByteArray(4, metric.toByteArray()); // the metric before the name and type
        f.writeString(1, "odd_total");
        f.writeEnum(3, Metrics.MetricType.COUNTER_VALUE);
        f.flush();
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        CodedOutputStream p = CodedOutputStream.newInstance(page);
        p.writeUInt32NoTag(family.size());
        p.writeRawBytes(family.toByteArray());
        p.flush();
        byte[] bytes = page.toByteArray();

        assertThat(described(bytes)).isEqualTo(generated(ProtobufPage.parse(bytes, 10, "odd")));
        PageReader r = new PageReader(bytes);
        r.nextFamily();
        r.nextMetric();
        byte[] key = Arrays.copyOfRange(r.labelKeyBytes(), r.labelKeyOffset(), r.labelKeyOffset() + r.labelKeyLength());
        byte[] labels = concat(fieldBytes(1, label("a", "1")), fieldBytes(1, label("b", "2")));
        assertThat(key).isEqualTo(labels); // the label fields only: the same series whatever its value
    }

    @Test
    void brokenPagesAreRejectedWithTheReason() throws Exception {
        byte[] good = page(Metrics.MetricFamily.newBuilder().setName("x_total").setType(Metrics.MetricType.COUNTER)
                .addMetric(Metrics.Metric.newBuilder().addLabel(label("i", "1")).setCounter(Metrics.Counter.newBuilder().setValue(1)))
                .addMetric(Metrics.Metric.newBuilder().addLabel(label("i", "2")).setCounter(Metrics.Counter.newBuilder().setValue(2)))
                .build());
        assertThat(ProtobufPage.check(good, 2, "t").series()).isEqualTo(2);
        assertThat(ProtobufPage.check(new byte[0], 2, "t").series()).isZero();

        assertRejected("# HELP x_total Requests.\nx_total 1\n".getBytes(StandardCharsets.UTF_8), 10, ScrapeError.PARSE,
                "t: not a protobuf exposition");
        assertRejected(Arrays.copyOf(good, good.length - 3), 10, ScrapeError.PARSE, "t: not a protobuf exposition");
        byte[] brokenLabel = good.clone();
        brokenLabel[indexOf(good, "i".getBytes(StandardCharsets.UTF_8)) - 1] = 0x7f; // a label name's length past its message
        assertRejected(brokenLabel, 10, ScrapeError.PARSE, "t: not a protobuf exposition");
        assertRejected(page(Metrics.MetricFamily.newBuilder().setType(Metrics.MetricType.GAUGE)
                .addMetric(Metrics.Metric.newBuilder().setGauge(Metrics.Gauge.newBuilder().setValue(1))).build()),
                10, ScrapeError.PARSE, "t: a metric family without a name");
        assertRejected(good, 1, ScrapeError.TOO_MANY_SERIES, "t: more than 1 series (the per-target cap)");
    }

    private static void assertRejected(byte[] page, int maxSeries, ScrapeError reason, String message) {
        assertThatThrownBy(() -> ProtobufPage.check(page, maxSeries, "t"))
                .isInstanceOfSatisfying(ScrapeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageStartingWith(message);
    }

    private static byte[] page(FakePod pod) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + pod.ip + ":" + pod.adminPort() + "/metrics")).header("Accept", ProtobufPage.ACCEPT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static byte[] page(MetricFamily f) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.writeDelimitedTo(out);
        return out.toByteArray();
    }

    private static Metrics.LabelPair label(String name, String value) {
        return Metrics.LabelPair.newBuilder().setName(name).setValue(value).build();
    }

    private static byte[] fieldBytes(int field, Metrics.LabelPair lp) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeByteArray(field, lp.toByteArray());
        c.flush();
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    /** Every metric of a page as one line, from {@link PageReader}. */
    static List<String> described(byte[] page) throws Exception {
        List<String> out = new ArrayList<>();
        PageReader r = new PageReader(page);
        String[] kv = new String[2];
        while (r.nextFamily()) {
            while (r.nextMetric()) {
                StringBuilder b = new StringBuilder(r.familyName()).append('|').append(r.familyHelp()).append('|')
                        .append(r.familyType()).append('|');
                for (int i = 0; i < r.labelCount(); i++) {
                    r.label(i, kv);
                    b.append(kv[0]).append('=').append(kv[1]).append(',');
                }
                MetricValues v = r.values();
                b.append("|c=").append(v.counter).append(" g=").append(v.gauge).append(" u=").append(v.untyped)
                        .append(" s=").append(v.summaryCount).append('/').append(v.summarySum).append(" q=[");
                for (int i = 0; i < v.quantileCount; i++) {
                    b.append(v.quantiles[i]).append(':').append(v.quantileValues[i]).append(' ');
                }
                HistogramValues h = v.histogram;
                b.append("] count=").append(h.sampleCount).append(" sum=").append(h.sampleSum).append(" le=[");
                for (int i = 0; i < h.buckets; i++) {
                    b.append(h.bounds[i]).append(':').append(h.cumulative[i]).append(' ');
                }
                b.append(']');
                if (h.hasSchema) {
                    b.append(" schema=").append(h.schema);
                }
                b.append(" zt=").append(h.zeroThreshold).append(" zc=").append(h.zeroCount)
                        .append(" pos=").append(buckets(h.positive)).append(" neg=").append(buckets(h.negative));
                out.add(b.toString());
            }
        }
        return out;
    }

    private static String buckets(HistogramValues.Native n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n.spans; i++) {
            b.append(n.spanOffsets[i]).append('+').append(n.spanLengths[i]).append(' ');
        }
        b.append("] d=[");
        for (int i = 0; i < n.deltaCount; i++) {
            b.append(n.deltas[i]).append(' ');
        }
        return b.append(']').toString();
    }

    /** The same lines, from client_java's generated classes. */
    static List<String> generated(List<MetricFamily> page) {
        List<String> out = new ArrayList<>();
        for (MetricFamily f : page) {
            for (Metrics.Metric m : f.getMetricList()) {
                StringBuilder b = new StringBuilder(f.getName()).append('|').append(f.getHelp()).append('|')
                        .append(f.getType().getNumber()).append('|');
                for (Metrics.LabelPair lp : m.getLabelList()) {
                    b.append(lp.getName()).append('=').append(lp.getValue()).append(',');
                }
                b.append("|c=").append(m.getCounter().getValue()).append(" g=").append(m.getGauge().getValue())
                        .append(" u=").append(m.getUntyped().getValue()).append(" s=").append(m.getSummary().getSampleCount())
                        .append('/').append(m.getSummary().getSampleSum()).append(" q=[");
                for (Metrics.Quantile q : m.getSummary().getQuantileList()) {
                    b.append(q.getQuantile()).append(':').append(q.getValue()).append(' ');
                }
                Metrics.Histogram h = m.getHistogram();
                b.append("] count=").append(h.getSampleCount()).append(" sum=").append(h.getSampleSum()).append(" le=[");
                for (Metrics.Bucket k : h.getBucketList()) {
                    b.append(k.getUpperBound()).append(':').append(k.getCumulativeCount()).append(' ');
                }
                b.append(']');
                if (h.hasSchema()) {
                    b.append(" schema=").append(h.getSchema());
                }
                b.append(" zt=").append(h.getZeroThreshold()).append(" zc=").append(h.getZeroCount())
                        .append(" pos=").append(buckets(h.getPositiveSpanList(), h.getPositiveDeltaList()))
                        .append(" neg=").append(buckets(h.getNegativeSpanList(), h.getNegativeDeltaList()));
                out.add(b.toString());
            }
        }
        return out;
    }

    private static String buckets(List<Metrics.BucketSpan> spans, List<Long> deltas) {
        StringBuilder b = new StringBuilder("[");
        for (Metrics.BucketSpan s : spans) {
            b.append(s.getOffset()).append('+').append(s.getLength()).append(' ');
        }
        b.append("] d=[");
        for (long d : deltas) {
            b.append(d).append(' ');
        }
        return b.append(']').toString();
    }
}
