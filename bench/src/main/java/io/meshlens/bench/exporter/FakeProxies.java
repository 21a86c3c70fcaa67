package io.meshlens.bench.exporter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics.MetricFamily;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics.MetricType;

/**
 * Many simulated proxies behind one port: every loopback address that reaches it gets a page of
 * realistic size and shape for the pod with that IP (inbound edges from other pods' IPs,
 * outbound edges, classic + native latency histograms, TCP series, ~60 JVM series). Runs as its
 * own process so that the exporter's CPU is measured alone.
 *
 * <p>{@code FakeProxies <port> <targets>}: pod i has IP {@link #ip(int)}.
 */
public final class FakeProxies {
    private static final double[] BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private FakeProxies() {}

    /** Pod {@code i}'s IP in 127.5.0.0/16. */
    public static String ip(int i) {
        return "127.5." + (i / 250) + "." + (1 + i % 250);
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int targets = Integer.parseInt(args[1]);
        Map<String, byte[]> pages = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 4096);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/metrics", x -> {
            String ip = x.getLocalAddress().getAddress().getHostAddress();
            byte[] page = pages.computeIfAbsent(ip, k -> page(k, targets));
            x.getResponseHeaders().set("Content-Type",
                    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
            x.sendResponseHeaders(200, page.length);
            x.getResponseBody().write(page);
            x.close();
        });
        server.start();
        System.out.println("ready");
        System.out.flush();
    }

    static byte[] page(String ip, int targets) {
        int self = Math.abs(ip.hashCode());
        MetricFamily.Builder requests = family("meshlens_requests_total", MetricType.COUNTER);
        MetricFamily.Builder responses = family("meshlens_responses_total", MetricType.COUNTER);
        MetricFamily.Builder latency = family("meshlens_response_latency_seconds", MetricType.HISTOGRAM);
        MetricFamily.Builder tcpOpened = family("meshlens_tcp_connections_opened_total", MetricType.COUNTER);
        MetricFamily.Builder tcpRead = family("meshlens_tcp_read_bytes_total", MetricType.COUNTER);
        for (int e = 0; e < 12; e++) {
            boolean inbound = e < 8;
            String peer = ip((self + e * 7919) % targets);
            String[] l = {"direction", inbound ? "inbound" : "outbound", "protocol", e % 3 == 0 ? "grpc" : "http1",
                "authority", "svc-" + (e % 5) + ".ns.svc.cluster.local:80", "route", e % 2 == 0 ? "default" : "get-item", "peer", peer};
            requests.addMetric(counter(l, 1000 + e));
            responses.addMetric(counter(with(l, "status_code", "200", "grpc_status", "", "classification", "success", "error", ""), 990 + e));
            responses.addMetric(counter(with(l, "status_code", "500", "grpc_status", "", "classification", "failure", "error", ""), 10));
            latency.addMetric(histogram(with(l, "classification", "success"), 990 + e));
            latency.addMetric(histogram(with(l, "classification", "failure"), 10));
            tcpOpened.addMetric(counter(new String[] {"direction", inbound ? "inbound" : "outbound", "peer", peer}, 3));
            tcpRead.addMetric(counter(new String[] {"direction", inbound ? "inbound" : "outbound", "peer", peer}, 123456));
        }
        MetricFamily.Builder jvm = family("jvm_memory_pool_used_bytes", MetricType.GAUGE);
        for (int i = 0; i < 60; i++) {
            jvm.addMetric(Metrics.Metric.newBuilder().addLabel(label("pool", "pool-" + i))
                    .setGauge(Metrics.Gauge.newBuilder().setValue(1e6 + i)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (MetricFamily.Builder f : new MetricFamily.Builder[] {requests, responses, latency, tcpOpened, tcpRead, jvm}) {
                f.build().writeDelimitedTo(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static MetricFamily.Builder family(String name, MetricType type) {
        return MetricFamily.newBuilder().setName(name).setHelp(name).setType(type);
    }

    private static Metrics.LabelPair label(String k, String v) {
        return Metrics.LabelPair.newBuilder().setName(k).setValue(v).build();
    }

    private static String[] with(String[] base, String... more) {
        String[] out = new String[base.length + more.length];
        System.arraycopy(base, 0, out, 0, base.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    private static Metrics.Metric.Builder labels(String[] kv) {
        Metrics.Metric.Builder m = Metrics.Metric.newBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            m.addLabel(label(kv[i], kv[i + 1]));
        }
        return m;
    }

    private static Metrics.Metric counter(String[] kv, double v) {
        return labels(kv).setCounter(Metrics.Counter.newBuilder().setValue(v)).build();
    }

    private static Metrics.Metric histogram(String[] kv, long count) {
        Metrics.Histogram.Builder h = Metrics.Histogram.newBuilder().setSampleCount(count).setSampleSum(count * 0.004)
                .setSchema(3).setZeroThreshold(1e-38).setZeroCount(0);
        long cum = 0;
        for (int i = 0; i < BOUNDS.length; i++) {
            cum = Math.min(count, cum + count / 8);
            h.addBucket(Metrics.Bucket.newBuilder().setUpperBound(BOUNDS[i]).setCumulativeCount(cum));
        }
        // native: 8 consecutive buckets holding the count
        h.addPositiveSpan(Metrics.BucketSpan.newBuilder().setOffset(-60).setLength(8));
        long per = count / 8;
        long prev = 0;
        for (int i = 0; i < 8; i++) {
            long c = i == 7 ? count - per * 7 : per;
            h.addPositiveDelta(c - prev);
            prev = c;
        }
        return labels(kv).setHistogram(h).build();
    }
}
