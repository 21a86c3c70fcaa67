package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.meshlens.proxy.testing.RawConnection;

/**
 * The header-read timeout (slowloris) and the idle timeout on caller connections, through real
 * sockets: a trickling client is answered 408 and closed while a normal client is served.
 */
class Http1TimeoutsTest {
    private static final Duration HEADER_READ = Duration.ofMillis(400);
    private static final String SLOW_HEAD = "GET /slow HTTP/1.1\r\nHost: web\r\nX-Slow: " + "a".repeat(2000);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    private Backend app;

    @BeforeEach
    void startApp() throws Exception {
        app = new Backend();
    }

    @AfterEach
    void stop() {
        trickler.shutdownNow();
        app.close();
    }

    private RunningProxy start(Duration headerRead, Duration idle) {
        return ProxyServer.start(Proxies.config(app.address()).headerReadTimeout(headerRead).idleTimeout(idle).build());
    }

    /** Sends the rest of {@link #SLOW_HEAD} one byte every 20 ms: the head never completes in time. */
    private void trickle(RawConnection c, int from) {
        AtomicInteger next = new AtomicInteger(from);
        trickler.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i < SLOW_HEAD.length()) {
                try {
                    c.send(SLOW_HEAD.substring(i, i + 1));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("closed", e); // ends the schedule
                }
            }
        }, 20, 20, TimeUnit.MILLISECONDS);
    }

    private int served(RunningProxy p) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + p.inboundPorts().get(0) + "/normal")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    private static double timedOut(PromText m) {
        return m.sum("meshlens_responses_total", Map.of("direction", "inbound", "protocol", "http1", "authority", "",
                "error", "request_timeout", "status_code", "408", "classification", "failure"));
    }

    private static double closedByTimeout(PromText m) {
        return m.sum("meshlens_tcp_connections_closed_total", Map.of("direction", "inbound", "error", "request_timeout"));
    }

    @Test
    void trickledFirstHeadGets408WhileNormalClientIsServed() throws Exception {
        try (RunningProxy p = start(HEADER_READ, Duration.ofSeconds(30));
             RawConnection slow = new RawConnection(p.inboundPorts().get(0))) {
            long t0 = System.nanoTime();
            slow.send(SLOW_HEAD.substring(0, 40));
            trickle(slow, 40);
            assertThat(served(p)).isEqualTo(200); // the proxy serves others meanwhile

            String answer = slow.readUntilClosed();
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(answer).startsWith("HTTP/1.1 408 ").contains("meshlens-proxy-error: request_timeout")
                    .contains("connection: close").contains("request head not complete within 400ms");
            assertThat(elapsedMs).isGreaterThanOrEqualTo(HEADER_READ.toMillis());
            assertThat(served(p)).isEqualTo(200);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                PromText m = Proxies.scrape(p);
                assertThat(timedOut(m)).isEqualTo(1);
                assertThat(closedByTimeout(m)).isEqualTo(1);
                // the codec's "closed before the headers" message is not counted a second time
                assertThat(m.sum("meshlens_responses_total", Map.of("error", "protocol_error"))).isZero();
            });
        }
    }

    @Test
    void trickledSecondHeadOnKeepAliveConnectionGets408() throws Exception {
        try (RunningProxy p = start(HEADER_READ, Duration.ofSeconds(30));
             RawConnection c = new RawConnection(p.inboundPorts().get(0))) {
            c.send("GET /first HTTP/1.1\r\nHost: web\r\n\r\n");
            RawConnection.Response first = c.readResponse();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("ok");

            long t0 = System.nanoTime();
            trickle(c, 0); // the next head, byte by byte
            String answer = c.readUntilClosed();
            assertThat(answer).startsWith("HTTP/1.1 408 ");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(HEADER_READ.toMillis());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                PromText m = Proxies.scrape(p);
                assertThat(timedOut(m)).isEqualTo(1);
                assertThat(m.sum("meshlens_responses_total", Map.of("direction", "inbound", "status_code", "200"))).isEqualTo(1);
                assertThat(closedByTimeout(m)).isEqualTo(1);
            });
        }
    }

    @Test
    void completeHeadsWithinTheTimeoutAreServed() throws Exception {
        // Keep-alive requests whose heads each arrive in pieces but complete in time: no 408.
        try (RunningProxy p = start(Duration.ofSeconds(5), Duration.ofSeconds(30));
             RawConnection c = new RawConnection(p.inboundPorts().get(0))) {
            for (int i = 0; i < 3; i++) {
                c.send("GET /piece HTTP/1.1\r\n");
                c.send("Host: web\r\n");
                c.send("\r\n");
                assertThat(c.readResponse().status()).isEqualTo(200);
            }
            assertThat(timedOut(Proxies.scrape(p))).isZero();
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosedAfterIdleTimeout() throws Exception {
        Duration idle = Duration.ofMillis(300);
        try (RunningProxy p = start(Duration.ofSeconds(10), idle);
             RawConnection c = new RawConnection(p.inboundPorts().get(0))) {
            c.send("GET / HTTP/1.1\r\nHost: web\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
            long t0 = System.nanoTime();
            assertThat(c.readUntilClosed()).isEmpty(); // closed without a word: nothing was lost
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(idle.toMillis() - 50);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                PromText m = Proxies.scrape(p);
                assertThat(m.sum("meshlens_tcp_connections_closed_total", Map.of("direction", "inbound", "error", "")))
                        .isGreaterThanOrEqualTo(1);
                assertThat(timedOut(m)).isZero();
            });
        }
    }

    @Test
    void slowResponseIsNotCutByTheIdleTimeout() throws Exception {
        // Idle means no request in progress: waiting for a slow app is not idle.
        try (RunningProxy p = start(Duration.ofMillis(200), Duration.ofMillis(200));
             RawConnection c = new RawConnection(p.inboundPorts().get(0))) {
            c.send("GET /slow/700 HTTP/1.1\r\nHost: web\r\n\r\n");
            RawConnection.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok");
        }
    }
}
