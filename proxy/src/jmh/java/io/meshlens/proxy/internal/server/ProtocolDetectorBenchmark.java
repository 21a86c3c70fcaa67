package io.meshlens.proxy.internal.server;

import java.nio.charset.StandardCharsets;
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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The proxy's protocol detector on a connection's first bytes (in the detector's package to
 * reach the package-private {@code ProtocolDetector.classify}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProtocolDetectorBenchmark {
    private ByteBuf http1;
    private ByteBuf http2;
    private ByteBuf opaque;

    @Setup
    public void setup() {
        http1 = buf("GET /api/vote?choice=1 HTTP/1.1\r\nHost: web:8080\r\n\r\n");
        http2 = buf("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0");
        opaque = buf("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003");
    }

    private static ByteBuf buf(String s) {
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Benchmark
    public Object http1() {
        return ProtocolDetector.classify(http1);
    }

    @Benchmark
    public Object http2() {
        return ProtocolDetector.classify(http2);
    }

    @Benchmark
    public Object opaqueTls() {
        return ProtocolDetector.classify(opaque);
    }
}
