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

/**
 * The error classifier of one finished exchange: the trailer's {@code grpc-status} parsed, then
 * success/failure per the contract (error set, 5xx, or a configured failing gRPC code).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ErrorClassifierBenchmark {
    private EdgeMetrics edge;
    private final String[] grpcStatuses = {"0", "14", "5", "13", "2"};
    private final int[] httpStatuses = {200, 503, 404, 200, 500};
    private int i;

    @Setup
    public void setup() {
        ProxyMetrics m = new ProxyMetrics(ProxyConfig.builder().build(), "bench");
        edge = m.edge(Direction.OUTBOUND, Protocol.GRPC, "voting:8080", "default", "10.0.0.9");
    }

    @Benchmark
    public boolean grpcResponse() {
        int k = i++ & 3;
        int g = GrpcStatus.parse(grpcStatuses[k]);
        return edge.isFailure(200, g, ProxyError.NONE);
    }

    @Benchmark
    public boolean httpResponse() {
        int k = i++ & 3;
        return edge.isFailure(httpStatuses[k], -1, ProxyError.NONE);
    }
}
