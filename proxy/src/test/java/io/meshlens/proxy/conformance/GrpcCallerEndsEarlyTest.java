package io.meshlens.proxy.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.testing.integration.EmptyProtos;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import io.grpc.testing.integration.TestServiceGrpc;
import io.grpc.testing.integration.TestServiceImpl;
import io.meshlens.proxy.ProxyServer;
import io.meshlens.proxy.RunningProxy;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;

/**
 * gRPC calls the caller ends early, against gRPC's own interop test service: a call whose
 * deadline ({@code grpc-timeout}) passed is the server's DEADLINE_EXCEEDED (a failure), a call the
 * caller cancelled is CANCELLED (a success by default); both keep {@code error="downstream_reset"}.
 */
class GrpcCallerEndsEarlyTest {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private Server server;
    private RunningProxy proxy;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(Proxies.any())
                .addService(ServerInterceptors.intercept(new TestServiceImpl(executor), TestServiceImpl.interceptors()))
                .build().start();
        proxy = ProxyServer.start(Proxies.config(new java.net.InetSocketAddress("127.0.0.1", server.getPort())).build());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.inboundPorts().get(0)).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        proxy.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        executor.shutdownNow();
    }

    /** One response after {@code delayMs}. */
    private static StreamingOutputCallRequest slowResponse(int delayMs) {
        return StreamingOutputCallRequest.newBuilder()
                .addResponseParameters(ResponseParameters.newBuilder().setSize(1).setIntervalUs(delayMs * 1000))
                .build();
    }

    /** Inbound responses by grpc_status/classification/error. */
    private Map<String, Double> responses() throws Exception {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (PromText.Sample s : Proxies.scrape(proxy).named("meshlens_responses_total")) {
            if ("inbound".equals(s.labels().get("direction"))) {
                out.merge(s.labels().get("grpc_status") + "/" + s.labels().get("classification") + "/" + s.labels().get("error"),
                        s.value(), Double::sum);
            }
        }
        return out;
    }

    @Test
    void elapsedDeadlineIsDeadlineExceededFailure() throws Exception {
        // one call first: the deadline must not run out while the channel still connects
        TestServiceGrpc.newBlockingStub(channel).emptyCall(EmptyProtos.Empty.getDefaultInstance());
        // 3 s: the proxy's margin (300 ms) then covers the request's and the reset's delays on a busy host
        var stub = TestServiceGrpc.newBlockingStub(channel).withDeadlineAfter(3, TimeUnit.SECONDS);
        assertThatThrownBy(() -> stub.streamingOutputCall(slowResponse(30_000)).next())
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(responses())
                .isEqualTo(Map.of("OK/success/", 1.0, "DEADLINE_EXCEEDED/failure/downstream_reset", 1.0)));
    }

    @Test
    void cancelledCallIsCancelledAndASuccessByDefault() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        TestServiceGrpc.newStub(channel).fullDuplexCall(new ClientResponseObserver<StreamingOutputCallRequest, StreamingOutputCallResponse>() {
            private ClientCallStreamObserver<StreamingOutputCallRequest> requests;

            @Override
            public void beforeStart(ClientCallStreamObserver<StreamingOutputCallRequest> r) {
                requests = r;
            }

            @Override
            public void onNext(StreamingOutputCallResponse value) {
                started.countDown();
                requests.cancel("the caller is done", null);
            }

            @Override
            public void onError(Throwable t) {
                ended.countDown();
            }

            @Override
            public void onCompleted() {
                ended.countDown();
            }
        }).onNext(StreamingOutputCallRequest.newBuilder()
                .addResponseParameters(ResponseParameters.newBuilder().setSize(1))
                .addResponseParameters(ResponseParameters.newBuilder().setSize(1).setIntervalUs(5_000_000))
                .build());
        assertThat(started.await(10, TimeUnit.SECONDS)).as("first response").isTrue();
        assertThat(ended.await(10, TimeUnit.SECONDS)).as("call ended").isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(responses()).isEqualTo(Map.of("CANCELLED/success/downstream_reset", 1.0)));
    }
}
