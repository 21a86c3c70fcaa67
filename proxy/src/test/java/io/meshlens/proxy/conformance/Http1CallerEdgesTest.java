package io.meshlens.proxy.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshlens.proxy.ProxyServer;
import io.meshlens.proxy.RunningProxy;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.meshlens.proxy.testing.RawClient;
import io.meshlens.proxy.testing.RawServer;

/**
 * HTTP/1 callers that are odd but legal, or that try to smuggle: what the caller gets, what the
 * app receives (a raw server records every request head it reads) and what is counted.
 */
class Http1CallerEdgesTest {
    private final BlockingQueue<String> appHeads = new LinkedBlockingQueue<>();
    private RawServer app;
    private RunningProxy proxy;

    @BeforeEach
    void start() throws Exception {
        app = new RawServer(s -> {
            InputStream in = s.getInputStream();
            while (true) {
                String head = RawServer.readHead(in);
                if (head.isEmpty()) {
                    return;
                }
                appHeads.add(head);
                RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
        proxy = ProxyServer.start(Proxies.config(app.address()).name("app", app.address()).build());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        app.close();
    }

    private int inboundPort() {
        return proxy.inboundPorts().get(0);
    }

    private double count(String metric, Map<String, String> labels) throws Exception {
        PromText m = Proxies.scrape(proxy);
        return m.sum(metric, labels);
    }

    @Test
    void halfClosedCallerIsServed() throws Exception {
        String answer;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", inboundPort()), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /half HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            s.shutdownOutput();
            answer = new String(RawClient.readAll(s.getInputStream()), StandardCharsets.ISO_8859_1);
        }
        assertThat(answer).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nok");
        assertThat(appHeads.poll(10, TimeUnit.SECONDS)).startsWith("GET /half HTTP/1.1\r\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(count("meshlens_responses_total", Map.of("direction", "inbound", "status_code", "200", "error", "")))
                        .isEqualTo(1.0));
        assertThat(count("meshlens_responses_total", Map.of("error", "downstream_reset"))).isZero();
    }

    /**
     * RFC 9112 6.1: a request with both Content-Length and Transfer-Encoding is rejected with 400
     * and the connection closed, whatever the order, so nothing after it can be smuggled in.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Length: 5\r\nTransfer-Encoding: chunked", "Transfer-Encoding: chunked\r\nContent-Length: 5"})
    void contentLengthWithTransferEncodingIsRejectedAndTheConnectionClosed(String framing) throws Exception {
        String smuggle = "POST /first HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n\r\n0\r\n\r\n"
                + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        String answer = RawClient.exchange(inboundPort(), smuggle);
        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer.indexOf("HTTP/1.1", 1)).as("exactly one response: %s", answer).isEqualTo(-1);
        assertThat(appHeads).as("nothing reached the app").isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(count("meshlens_responses_total", Map.of("direction", "inbound", "error", "protocol_error")))
                        .isEqualTo(1.0));
    }

    @Test
    void http10RequestWithoutHostGoesUpstreamWithOne() throws Exception {
        String answer = RawClient.exchange(inboundPort(), "GET /old HTTP/1.0\r\n\r\n");
        assertThat(answer).contains(" 200 OK").endsWith("ok");
        String head = appHeads.poll(10, TimeUnit.SECONDS);
        assertThat(head).startsWith("GET /old HTTP/1.1\r\n");
        assertThat(head.toLowerCase(java.util.Locale.ROOT).split("\r\n")).as("one Host header: %s", head)
                .filteredOn(l -> l.startsWith("host:")).hasSize(1);
    }

    @Test
    void absoluteFormReplacesTheCallersHostOnOutbound() throws Exception {
        String answer = RawClient.exchange(proxy.outboundPort(),
                "GET http://app/abs HTTP/1.1\r\nHost: somewhere-else\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200 OK");
        String head = appHeads.poll(10, TimeUnit.SECONDS);
        assertThat(head).startsWith("GET /abs HTTP/1.1\r\n");
        assertThat(head.toLowerCase(java.util.Locale.ROOT).split("\r\n")).as("RFC 9112 3.2.2: %s", head)
                .filteredOn(l -> l.startsWith("host:")).containsExactly("host: app");
    }
}
