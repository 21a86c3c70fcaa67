package io.meshlens.proxy.internal.http1;

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

import io.meshlens.proxy.trace.TraceContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * What reading the trace context costs per request: parsing an HTTP/1.1 head and asking it for
 * its trace id, and the three lookups in an HTTP/2 request's headers, each without and with a
 * {@code traceparent}. Target: 0 B/op without the header ({@code -prof gc}); with it, the trace
 * id String (and the header value it is read from) is all that is allocated.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class TraceHeaderBenchmark {
    private static final String HEAD = "GET /api/vote?choice=:turtle: HTTP/1.1\r\nHost: web-svc.emojivoto:8080\r\n"
            + "User-Agent: Java-http-client/17\r\nAccept: */*\r\n";
    private final Http1HeadParser parser = new Http1HeadParser(true, 8192, 65536);
    private ByteBuf untraced;
    private ByteBuf traced;
    private Http2Headers h2Untraced;
    private Http2Headers h2Traced;

    @Setup
    public void setup() {
        untraced = Unpooled.directBuffer().writeBytes((HEAD + "\r\n").getBytes(StandardCharsets.US_ASCII));
        traced = Unpooled.directBuffer().writeBytes((HEAD + "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        h2Untraced = new DefaultHttp2Headers().method("POST").path("/meshlens.demo.voting.VotingService/VoteTurtle")
                .authority("voting-svc.emojivoto:8080").scheme("http").add("content-type", "application/grpc").add("te", "trailers");
        h2Traced = new DefaultHttp2Headers().method("POST").path("/meshlens.demo.voting.VotingService/VoteTurtle")
                .authority("voting-svc.emojivoto:8080").scheme("http").add("content-type", "application/grpc").add("te", "trailers")
                .add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    private String http1(ByteBuf head) throws Http1ParseException {
        parser.reset();
        parser.parse(head);
        return parser.traceId(head);
    }

    @Benchmark
    public String http1WithoutTraceparent() throws Http1ParseException {
        return http1(untraced);
    }

    @Benchmark
    public String http1WithTraceparent() throws Http1ParseException {
        return http1(traced);
    }

    @Benchmark
    public String http2WithoutTraceparent() {
        return TraceContext.fromHeaders(h2Untraced);
    }

    @Benchmark
    public String http2WithTraceparent() {
        return TraceContext.fromHeaders(h2Traced);
    }
}
