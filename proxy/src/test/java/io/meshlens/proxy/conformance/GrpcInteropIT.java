package io.meshlens.proxy.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import io.grpc.Status;
import io.grpc.testing.integration.TestCases;
import io.grpc.testing.integration.TestServiceClient;
import io.meshlens.proxy.PortMapping;
import io.meshlens.proxy.ProxyServer;
import io.meshlens.proxy.RunningProxy;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;

/**
 * gRPC's interop suite: the official {@link TestServiceClient} runs every plaintext case against
 * the official service directly, through the proxy's inbound listener, and through its outbound
 * listener into its inbound one. Each case that passes directly must pass through the proxy,
 * and {@code /metrics} must have counted each call the server saw with its {@code grpc_status},
 * classification, error and exact DATA bytes each way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcInteropIT {
    /** Cases that need credentials, TLS or Google's infrastructure, and the soak benchmarks. */
    private static final Set<TestCases> NOT_PLAINTEXT = Set.of(TestCases.COMPUTE_ENGINE_CREDS,
            TestCases.COMPUTE_ENGINE_CHANNEL_CREDENTIALS, TestCases.SERVICE_ACCOUNT_CREDS, TestCases.JWT_TOKEN_CREDS,
            TestCases.OAUTH2_AUTH_TOKEN, TestCases.PER_RPC_CREDS, TestCases.GOOGLE_DEFAULT_CREDENTIALS,
            // latency thresholds per iteration: a benchmark, which a busy host fails with or without a proxy
            TestCases.RPC_SOAK, TestCases.CHANNEL_SOAK);
    /** Cases that fail against the plain interop service, so there is nothing to compare the proxy with. */
    private static final Map<TestCases, String> FAILS_DIRECTLY = Map.of(
            TestCases.CACHEABLE_UNARY, "needs a server that implements the cacheable GET method",
            TestCases.CLIENT_COMPRESSED_UNARY, "its probe needs a server that refuses compressed messages",
            TestCases.CLIENT_COMPRESSED_STREAMING, "its probe needs a server that refuses compressed messages",
            TestCases.ORCA_PER_RPC, "needs the ORCA load-report server setup",
            TestCases.ORCA_OOB, "needs the ORCA load-report server setup");
    /**
     * Cases whose one call the caller ends, and the status the proxy must record for it: the server
     * may never see such a call (cancelled before its headers left, or a deadline of a millisecond).
     */
    private static final Map<TestCases, String> ENDED_BY_CALLER = Map.of(
            TestCases.CANCEL_AFTER_BEGIN, "CANCELLED",
            TestCases.CANCEL_AFTER_FIRST_RESPONSE, "CANCELLED",
            TestCases.TIMEOUT_ON_SLEEPING_SERVER, "DEADLINE_EXCEEDED");
    /** The request of an unimplemented method is never read by the server: one empty message, 5 bytes. */
    private static final long UNREAD_EMPTY_REQUEST = 5;
    private static final Set<String> FAILURE_CODES = Set.of("UNKNOWN", "DEADLINE_EXCEEDED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS");

    private InteropServer server;
    private RunningProxy proxy;
    private final Set<TestCases> passedDirectly = new HashSet<>();

    @BeforeAll
    void start() throws Exception {
        server = new InteropServer();
        // The outbound listener routes by :authority, which the client sets to localhost:<outbound
        // port>: a name entry sends that to the inbound listener, so both ports are chosen first.
        int inboundPort = ExternalServer.freePort();
        int outboundPort = ExternalServer.freePort();
        InetSocketAddress inbound = new InetSocketAddress("127.0.0.1", inboundPort);
        proxy = ProxyServer.start(Proxies.config(server.address())
                .inbound(new PortMapping(inbound, server.address()))
                .outbound(new InetSocketAddress("127.0.0.1", outboundPort))
                .name("localhost:" + outboundPort, inbound)
                .build());
    }

    @AfterAll
    void stop() throws Exception {
        proxy.close();
        server.close();
    }

    @TestFactory
    Stream<DynamicNode> interop() {
        List<TestCases> cases = Arrays.stream(TestCases.values()).filter(c -> !NOT_PLAINTEXT.contains(c)).toList();
        return Stream.of(
                DynamicContainer.dynamicContainer("direct", cases.stream().map(c ->
                        DynamicTest.dynamicTest(c.toString(), () -> direct(c)))),
                DynamicContainer.dynamicContainer("inbound", cases.stream().map(c ->
                        DynamicTest.dynamicTest(c.toString(), () -> proxied(c, "inbound")))),
                DynamicContainer.dynamicContainer("outbound to inbound", cases.stream().map(c ->
                        DynamicTest.dynamicTest(c.toString(), () -> proxied(c, "outbound")))));
    }

    private void direct(TestCases c) throws Exception {
        server.drain();
        try {
            run(c, server.address().getPort());
        } catch (Exception | AssertionError e) {
            Assumptions.assumeFalse(FAILS_DIRECTLY.containsKey(c), c + " fails without the proxy too: " + FAILS_DIRECTLY.get(c));
            throw e;
        }
        passedDirectly.add(c);
    }

    private void proxied(TestCases c, String way) throws Exception {
        Assumptions.assumeTrue(passedDirectly.contains(c), c + " does not pass directly either");
        int port = way.equals("inbound") ? proxy.inboundPorts().get(0) : proxy.outboundPort();
        List<String> directions = way.equals("inbound") ? List.of("inbound") : List.of("outbound", "inbound");
        settle();
        PromText before = Proxies.scrape(proxy);
        server.drain();

        run(c, port);

        settle();
        List<InteropServer.Call> calls = server.drain();
        Map<String, Double> expected = new TreeMap<>();
        long requestBytes = 0;
        long responseBytes = 0;
        boolean endedEarly = ENDED_BY_CALLER.containsKey(c);
        if (!endedEarly) {
            assertThat(calls).as("calls the server saw").isNotEmpty();
        }
        for (InteropServer.Call call : endedEarly ? List.<InteropServer.Call>of() : calls) {
            // any other call the caller ended is CANCELLED at the server, and must be at the proxy
            boolean ended = call.status() == Status.Code.CANCELLED;
            endedEarly |= ended;
            String classification = FAILURE_CODES.contains(call.status().name()) ? "failure" : "success";
            expected.merge(call.status().name() + "/" + classification + "/" + (ended ? "downstream_reset" : ""), 1.0, Double::sum);
            requestBytes += call.status() == Status.Code.UNIMPLEMENTED ? UNREAD_EMPTY_REQUEST : call.requestBytes();
            responseBytes += call.responseBytes();
        }
        for (String direction : directions) {
            PromText after = Proxies.scrape(proxy);
            Map<String, Double> counted = counted(before, after, direction);
            double requests = delta(before, after, "meshlens_requests_total", direction);
            if (ENDED_BY_CALLER.containsKey(c)) {
                // the call may end before its headers leave the client (or the first proxy): then
                // this listener never saw it; if it did, it counted it with the caller's status
                String status = ENDED_BY_CALLER.get(c);
                assertThat(requests).as("%s %s: calls that reached the listener", c, direction).isBetween(0.0, 1.0);
                expected = requests == 0 ? Map.of() : Map.of(
                        status + "/" + (FAILURE_CODES.contains(status) ? "failure" : "success") + "/downstream_reset", 1.0);
            }
            assertThat(counted).as("%s %s: responses by grpc_status/classification/error", c, direction).isEqualTo(expected);
            assertThat(requests).as("%s %s: requests", c, direction)
                    .isEqualTo(expected.values().stream().mapToDouble(Double::doubleValue).sum());
            if (!endedEarly) {
                assertThat(delta(before, after, "meshlens_request_bytes_total", direction)).as("%s %s: request bytes", c, direction)
                        .isEqualTo((double) requestBytes);
                assertThat(delta(before, after, "meshlens_response_bytes_total", direction)).as("%s %s: response bytes", c, direction)
                        .isEqualTo((double) responseBytes);
            }
        }
    }

    /** Waits until neither the proxy nor the server has a call in flight. */
    private void settle() {
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.inFlight() == 0 && server.open() == 0);
    }

    private static Map<String, Double> counted(PromText before, PromText after, String direction) {
        Map<String, Double> out = new TreeMap<>();
        for (PromText.Sample s : after.named("meshlens_responses_total")) {
            if (!direction.equals(s.labels().get("direction")) || !"grpc".equals(s.labels().get("protocol"))) {
                continue;
            }
            double was = before.sum("meshlens_responses_total", s.labels());
            if (s.value() - was > 0) {
                out.merge(s.labels().get("grpc_status") + "/" + s.labels().get("classification") + "/" + s.labels().get("error"),
                        s.value() - was, Double::sum);
            }
        }
        return out;
    }

    private static double delta(PromText before, PromText after, String metric, String direction) {
        Map<String, String> match = new HashMap<>(Map.of("direction", direction, "protocol", "grpc"));
        return after.sum(metric, match) - before.sum(metric, match);
    }

    /** The official client, in-process: it throws when the case fails. */
    private static void run(TestCases c, int port) throws Exception {
        TestServiceClient.main(new String[] {"--server_host=localhost", "--server_port=" + port, "--use_tls=false",
                "--test_case=" + c});
    }
}
