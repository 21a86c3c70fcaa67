package io.meshlens.bench.jmh;

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
import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.EdgeMetrics;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.metrics.ProxyMetrics;

/**
 * Recording one response into the proxy's metrics, as the data path does it: the label lookup
 * (direction, protocol, authority, route, peer -> edge), the request counter, the response
 * counter for (status, grpc status, error), the latency histogram (classic + native buckets) and
 * the byte counters. Target (issue 3): <= 100 ns and 0 B/op with {@code -prof gc}.
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

    @Setup
    public void setup() {
        metrics = new ProxyMetrics(ProxyConfig.builder().build(), "bench");
        // fresh String instances, as a decoded request would carry (no identity shortcuts)
        authority = new String("web.default.svc:8080");
        route = "default";
        peer = metrics.limitPeer(new String("10.0.0.7"));
        cached = metrics.edge(Direction.INBOUND, Protocol.HTTP1, authority, route, peer);
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
