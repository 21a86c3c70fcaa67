package io.meshlens.proxy.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshlens.proxy.ProxyServer;
import io.meshlens.proxy.RunningProxy;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;
import io.meshlens.proxy.testing.RawClient;

/**
 * HTTP/1 edge cases through the proxy with nginx as the app: for each, what the client got (the
 * status lines, in order), what the app got (nginx's access log) and what the proxy counted
 * ({@code meshlens_responses_total} by status and error, payload bytes each way).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http1EdgeCasesIT {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})[^\r]*\r\n");

    private NginxApp nginx;
    private RunningProxy proxy;
    private int appRequestsBefore;

    @BeforeAll
    void startApp(@TempDir Path dir) throws IOException {
        nginx = NginxApp.start(dir);
    }

    @AfterAll
    void stopApp() {
        nginx.close();
    }

    @BeforeEach
    void startProxy() throws IOException {
        proxy = ProxyServer.start(Proxies.config(nginx.address()).name("app", nginx.address()).build());
        appRequestsBefore = nginx.seen().size();
    }

    @AfterEach
    void stopProxy(TestInfo test) throws Exception {
        System.out.printf("edge case %s%n  app got: %s%n  counted: %s%n", test.getDisplayName(), appGot(), counted());
        proxy.close();
    }

    private int inbound() {
        return proxy.inboundPorts().get(0);
    }

    /** The status codes in a raw response stream, in order. */
    private static List<String> statuses(String raw) {
        List<String> out = new ArrayList<>();
        Matcher m = STATUS_LINE.matcher(raw);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private List<NginxApp.Seen> appGot() throws IOException {
        List<NginxApp.Seen> all = nginx.seen();
        return all.subList(Math.min(appRequestsBefore, all.size()), all.size());
    }

    private void awaitAppGot(int n) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(appGot()).hasSize(n));
    }

    /** responses by "status/error", and request/response payload bytes. */
    private Map<String, Double> counted() throws Exception {
        PromText m = Proxies.scrape(proxy);
        Map<String, Double> out = new TreeMap<>();
        for (PromText.Sample s : m.named("meshlens_responses_total")) {
            out.merge(s.labels().get("direction") + " " + s.labels().get("status_code") + "/" + s.labels().get("error"),
                    s.value(), Double::sum);
        }
        out.put("request_bytes", m.sum("meshlens_request_bytes_total", Map.of()));
        out.put("response_bytes", m.sum("meshlens_response_bytes_total", Map.of()));
        return out;
    }

    private void awaitCounted(Map<String, Double> expected) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(counted()).containsAllEntriesOf(expected));
    }

    @Test
    void chunkedUploadWithTrailers() throws Exception {
        String got = RawClient.exchange(inbound(), "POST /echo HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        assertThat(statuses(got)).containsExactly("200");
        assertThat(got).contains("hello world");
        awaitAppGot(1);
        assertThat(appGot().get(0)).isEqualTo(new NginxApp.Seen("POST", "/echo", "app", "", "chunked", "hello world"));
        awaitCounted(Map.of("inbound 200/", 1.0, "request_bytes", 11.0, "response_bytes", 11.0));
    }

    @Test
    void expect100ContinueGetsItsInterimResponseAndTheBodyFlows() throws Exception {
        try (Socket s = connect(inbound())) {
            write(s, "POST /echo HTTP/1.1\r\nHost: app\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
            String interim = readHead(s.getInputStream());
            assertThat(interim).startsWith("HTTP/1.1 100 Continue\r\n");
            write(s, "hello");
            String rest = new String(RawClient.readAll(s.getInputStream()), StandardCharsets.ISO_8859_1);
            assertThat(statuses(rest)).containsExactly("200");
            assertThat(rest).contains("\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        }
        awaitAppGot(1);
        assertThat(appGot().get(0).body()).isEqualTo("hello");
        awaitCounted(Map.of("inbound 200/", 1.0, "request_bytes", 5.0, "response_bytes", 5.0));
    }

    @Test
    void headThenGetOnOneConnection() throws Exception {
        String got = RawClient.exchange(inbound(), "HEAD / HTTP/1.1\r\nHost: app\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n");
        assertThat(statuses(got)).containsExactly("200", "200");
        assertThat(got).endsWith("\r\n\r\nok\n").containsOnlyOnce("ok\n");
        awaitAppGot(2);
        assertThat(appGot()).extracting(NginxApp.Seen::method).containsExactly("HEAD", "GET");
        awaitCounted(Map.of("inbound 200/", 2.0, "response_bytes", 3.0));
    }

    @Test
    void noContentAndNotModifiedKeepTheConnection() throws Exception {
        String got = RawClient.exchange(inbound(), "GET /204 HTTP/1.1\r\nHost: app\r\n\r\n"
                + "GET /304 HTTP/1.1\r\nHost: app\r\n\r\nGET / HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n");
        assertThat(statuses(got)).containsExactly("204", "304", "200");
        awaitAppGot(3);
        awaitCounted(Map.of("inbound 204/", 1.0, "inbound 304/", 1.0, "inbound 200/", 1.0));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        String got = RawClient.exchange(inbound(), "GET /a HTTP/1.1\r\nHost: app\r\n\r\nPOST /echo HTTP/1.1\r\nHost: app\r\n"
                + "Content-Length: 3\r\n\r\nxyzGET /c HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n");
        assertThat(statuses(got)).containsExactly("200", "200", "200");
        assertThat(got.indexOf("xyz")).isBetween(got.indexOf("ok\n"), got.lastIndexOf("ok\n"));
        awaitAppGot(3);
        assertThat(appGot()).extracting(NginxApp.Seen::target).containsExactly("/a", "/echo", "/c");
        awaitCounted(Map.of("inbound 200/", 3.0, "request_bytes", 3.0));
    }

    @Test
    void absoluteFormOnOutboundSendsTheUrisHost() throws Exception {
        String got = RawClient.exchange(proxy.outboundPort(), "GET http://app/abs?q=1 HTTP/1.1\r\nHost: elsewhere\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(statuses(got)).containsExactly("200");
        awaitAppGot(1);
        assertThat(appGot().get(0).target()).isEqualTo("/abs?q=1");
        assertThat(appGot().get(0).host()).isEqualTo("app");
        awaitCounted(Map.of("outbound 200/", 1.0));
    }

    /** The proxy answers 400 itself, counts the caller's protocol_error, and the app sees nothing. */
    private void assertRefusedByTheProxy(String request) throws Exception {
        String got = RawClient.exchange(inbound(), request);
        assertThat(statuses(got)).containsExactly("400");
        awaitCounted(Map.of("inbound 400/protocol_error", 1.0));
        assertThat(appGot()).isEmpty();
    }

    @Test
    void obsoleteLineFoldingIsRejected() throws Exception {
        assertRefusedByTheProxy("GET / HTTP/1.1\r\nHost: app\r\nX-Folded: a\r\n b\r\n\r\n");
    }

    @Test
    void conflictingContentLengthsAreRejected() throws Exception {
        assertRefusedByTheProxy("POST /echo HTTP/1.1\r\nHost: app\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    }

    /**
     * Identical duplicates agree on the framing (RFC 9112 6.3 lets a recipient accept them), so the
     * proxy forwards the request as it is; nginx refuses it with 400, which is then the app's answer.
     */
    @Test
    void identicalDuplicateContentLengthsAreTheAppsToRefuse() throws Exception {
        String got = RawClient.exchange(inbound(), "POST /echo HTTP/1.1\r\nHost: app\r\nContent-Length: 5\r\n"
                + "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
        assertThat(statuses(got)).containsExactly("400");
        assertThat(got).contains("nginx");
        awaitCounted(Map.of("inbound 400/", 1.0, "request_bytes", 5.0));
    }

    /** Transfer-Encoding values a request must not be framed by: each is a 400 and nothing reaches the app. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Transfer-Encoding: gzip", "Transfer-Encoding: chunked, gzip", "Transfer-Encoding: xchunked",
            "Transfer-Encoding : chunked", "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip",
            "Transfer-Encoding: chunked\r\n identity"})
    void transferEncodingTricksAreRejected(String header) throws Exception {
        assertRefusedByTheProxy("POST /echo HTTP/1.1\r\nHost: app\r\n" + header + "\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: app\r\n\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Length: 5\r\nTransfer-Encoding: chunked", "Transfer-Encoding: chunked\r\nContent-Length: 5"})
    void contentLengthWithTransferEncodingIsRejected(String header) throws Exception {
        transferEncodingTricksAreRejected(header);
    }

    /** Transfer-Encoding spellings that do mean chunked: served, body intact, nothing smuggled. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Transfer-Encoding: Chunked", "Transfer-Encoding:   chunked  "})
    void transferEncodingSpellingsOfChunkedAreServed(String header) throws Exception {
        String got = RawClient.exchange(inbound(), "POST /echo HTTP/1.1\r\nHost: app\r\n" + header + "\r\n"
                + "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertThat(statuses(got)).containsExactly("200");
        awaitAppGot(1);
        assertThat(appGot().get(0).body()).isEqualTo("hello");
        awaitCounted(Map.of("inbound 200/", 1.0, "request_bytes", 5.0));
    }

    @Test
    void halfClosedClientIsAnswered() throws Exception {
        String got;
        try (Socket s = connect(inbound())) {
            write(s, "GET / HTTP/1.1\r\nHost: app\r\n\r\n");
            s.shutdownOutput();
            got = new String(RawClient.readAll(s.getInputStream()), StandardCharsets.ISO_8859_1);
        }
        assertThat(statuses(got)).containsExactly("200");
        awaitAppGot(1);
        awaitCounted(Map.of("inbound 200/", 1.0));
    }

    @Test
    void http10WithoutHostReachesTheAppAsAValidRequest() throws Exception {
        String got = RawClient.exchange(inbound(), "GET /old HTTP/1.0\r\n\r\n");
        assertThat(statuses(got)).containsExactly("200");
        awaitAppGot(1);
        assertThat(appGot().get(0).host()).isNotEmpty();
        awaitCounted(Map.of("inbound 200/", 1.0));
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return b.toString();
    }
}
