package io.meshlens.proxy.metrics;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.meshlens.proxy.ProxyConfig;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;

/**
 * Recording one response into the proxy's metrics, as the data path does it: the label lookup
 * (direction, protocol, authority, route, peer -> edge), the request counter, the response
 * counter for (status, grpc status, error), the latency histogram (classic + native buckets) and
 * the byte counters. Target (issue 3): <= 100 ns and 0 B/op with {@code -prof gc}.
 *
 * <p>{@code clientJavaHistogram} is the baseline for the histogram alone: one observation into
 * client_java's {@code Histogram} configured as the proxy's was before it got its own
 * ({@code LatencyHistogram}: classic buckets + native, 160 buckets max), so that one run shows
 * both side by side.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class MetricsRecordBenchmark {
    private ProxyMetrics metrics;
    private EdgeMetrics cached;
    private String authority;
    private String route;
    private String peer;
    private long latency;
    private DistributionDataPoint clientJava;

    @Setup
    public void setup() {
        metrics = new ProxyMetrics(ProxyConfig.builder().build(), "bench");
        // fresh String instances, as a decoded request would carry (no identity shortcuts)
        authority = new String("web.default.svc:8080");
        route = "default";
        peer = metrics.limitPeer(new String("10.0.0.7"));
        cached = metrics.edge(Direction.INBOUND, Protocol.HTTP1, authority, route, peer);
        clientJava = Histogram.builder().name("baseline_latency_seconds").help("baseline")
                              .labelNames("direction", "classification")
                              .classicUpperBounds(MeshlensMetrics.LATENCY_BUCKETS)
                              .nativeMaxNumberOfBuckets(160).withoutExemplars().build()
                              .labelValues("inbound", "success");
    }

    /** Baseline: one observation into client_java's Histogram (the proxy's histogram until now). */
    @Benchmark
    public DistributionDataPoint clientJavaHistogram() {
        latency = (latency + 7919) & 0xFFFFF;
        clientJava.observe((100_000 + latency) / 1e9);
        return clientJava;
    }

    /** Label lookup + request + response, the full per-request cost when the edge changes. */
    @Benchmark
    public EdgeMetrics lookupAndRecord() {
        EdgeMetrics e = metrics.edge(Direction.INBOUND, Protocol.HTTP1, authority, route, peer);
        e.request();
        latency = (latency + 7919) & 0xFFFFF; // vary the histogram bucket: 0..1 ms
        e.response(200, -1, ProxyError.NONE, 100_000 + latency, 0, 64);
        return e;
    }

    /** Request + response on the edge the connection already holds (the common keep-alive case). */
    @Benchmark
    public EdgeMetrics recordOnCachedEdge() {
        cached.request();
        latency = (latency + 7919) & 0xFFFFF;
        cached.response(200, -1, ProxyError.NONE, 100_000 + latency, 0, 64);
        return cached;
    }

    /** A failed exchange: 503 from upstream, its own response series. */
    @Benchmark
    public EdgeMetrics recordFailure() {
        cached.request();
        latency = (latency + 7919) & 0xFFFFF;
        cached.response(503, -1, ProxyError.NONE, 100_000 + latency, 0, 64);
        return cached;
    }
}
