package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.meshlens.proxy.testing.GrpcApp;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;

/** gRPC over HTTP/2 through the proxy with grpc-java on both ends; metrics per grpc status compared exactly. */
class GrpcProxyTest {
    private GrpcApp app;
    private RunningProxy proxy;
    private ManagedChannel inbound;
    private ManagedChannel outbound;

    @BeforeEach
    void start() throws Exception {
        app = new GrpcApp();
        proxy = ProxyServer.start(Proxies.config(app.address()).name("grpc-app", app.address()).build());
        inbound = NettyChannelBuilder.forAddress("127.0.0.1", proxy.inboundPorts().get(0)).usePlaintext().build();
        outbound = NettyChannelBuilder.forAddress("127.0.0.1", proxy.outboundPort()).usePlaintext()
                .overrideAuthority("grpc-app:80").build();
    }

    @AfterEach
    void stop() throws Exception {
        inbound.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        outbound.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        proxy.close();
        app.close();
    }

    private ManagedChannel channel(String direction) {
        return direction.equals("inbound") ? inbound : outbound;
    }

    /** The peer label: inbound, the caller; outbound, the target the proxy connected to (both loopback here). */
    private static Map<String, String> edge(String direction) {
        return direction.equals("inbound")
                ? Map.of("direction", "inbound", "protocol", "grpc", "peer", "127.0.0.1", "route", "default")
                : Map.of("direction", "outbound", "protocol", "grpc", "peer", "127.0.0.1", "route", "default",
                         "authority", "grpc-app:80");
    }

    @ParameterizedTest
    @ValueSource(strings = {"inbound", "outbound"})
    void unaryCountsMatchPerGrpcStatus(String direction) throws Exception {
        int[] codes = {0, 0, 0, 5, 3, 13, 14, 2, 4};
        Map<String, Integer> sent = new HashMap<>();
        Random rnd = new Random(7);
        int n = 450;
        List<CompletableFuture<String>> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int code = codes[rnd.nextInt(codes.length)];
            CompletableFuture<String> f = new CompletableFuture<>();
            ClientCalls.asyncUnaryCall(channel(direction).newCall(GrpcApp.UNARY, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS)),
                    ("status:" + code).getBytes(StandardCharsets.UTF_8), new StreamObserver<>() {
                        @Override
                        public void onNext(byte[] v) {}

                        @Override
                        public void onError(Throwable t) {
                            f.complete(Status.fromThrowable(t).getCode().name());
                        }

                        @Override
                        public void onCompleted() {
                            f.complete("OK");
                        }
                    });
            batch.add(f);
            if (batch.size() == 32 || i == n - 1) {
                for (var b : batch) {
                    sent.merge(b.get(30, TimeUnit.SECONDS), 1, Integer::sum);
                }
                batch.clear();
            }
        }
        assertThat(sent).containsKeys("OK", "NOT_FOUND", "INTERNAL", "UNAVAILABLE");
        Map<String, String> in = edge(direction);
        PromText m = Proxies.scrapeOnceRecorded(proxy, in, n);
        assertThat(m.sum("meshlens_requests_total", in)).isEqualTo(n);
        double total = 0;
        for (var e : sent.entrySet()) {
            boolean failure = List.of("UNKNOWN", "DEADLINE_EXCEEDED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS").contains(e.getKey());
            Map<String, String> l = new HashMap<>(in);
            l.put("grpc_status", e.getKey());
            l.put("status_code", "200");
            l.put("error", "");
            l.put("classification", failure ? "failure" : "success");
            assertThat(m.sum("meshlens_responses_total", l)).as(e.getKey()).isEqualTo(e.getValue().doubleValue());
            total += e.getValue();
        }
        assertThat(m.sum("meshlens_responses_total", in)).isEqualTo(total);
        assertThat(m.sum("meshlens_response_latency_seconds_count", in)).isEqualTo(total);
        // multiplexed: one connection carries all calls (per proxy event loop upstream)
        assertThat(m.sum("meshlens_tcp_connections_opened_total", Map.of("direction", direction)))
                .isBetween(1.0, (double) proxy.config().ioThreads());
    }

    @ParameterizedTest
    @ValueSource(strings = {"inbound", "outbound"})
    void serverStreamingAndClientStreaming(String direction) throws Exception {
        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(channel(direction), GrpcApp.SERVER_STREAM,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "3000".getBytes(StandardCharsets.UTF_8));
        int got = 0;
        while (it.hasNext()) {
            assertThat(it.next()).hasSize(1024);
            got++;
        }
        assertThat(got).isEqualTo(3000);

        CompletableFuture<String> sum = new CompletableFuture<>();
        StreamObserver<byte[]> req = ClientCalls.asyncClientStreamingCall(
                channel(direction).newCall(GrpcApp.CLIENT_STREAM, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
                new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] v) {
                        sum.complete(new String(v, StandardCharsets.UTF_8));
                    }

                    @Override
                    public void onError(Throwable t) {
                        sum.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        byte[] chunk = new byte[4096];
        for (int i = 0; i < 2000; i++) {
            req.onNext(chunk);
        }
        req.onCompleted();
        assertThat(sum.get(30, TimeUnit.SECONDS)).isEqualTo("2000");

        Map<String, String> ok = new HashMap<>(edge(direction));
        ok.put("grpc_status", "OK");
        ok.put("classification", "success");
        // the response message arrives before the trailers that end (and record) the exchange
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Proxies.scrape(proxy).sum("meshlens_responses_total", ok)).isEqualTo(2.0));
        PromText m = Proxies.scrape(proxy);
        assertThat(m.sum("meshlens_responses_total", edge(direction))).isEqualTo(2.0);
        // gRPC frames add 5 bytes of framing per message
        assertThat(m.sum("meshlens_request_bytes_total", edge(direction))).isEqualTo(2000.0 * (4096 + 5) + 5 + 4);
        assertThat(m.sum("meshlens_response_bytes_total", edge(direction))).isEqualTo(3000.0 * (1024 + 5) + 5 + 4);
    }

    @Test
    void unknownMethodIsUnimplementedSuccess() {
        var um = io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder().setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("test.Svc/Nope").setRequestMarshaller(GrpcApp.BYTES).setResponseMarshaller(GrpcApp.BYTES).build();
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(inbound, um,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[1]))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    }
}
