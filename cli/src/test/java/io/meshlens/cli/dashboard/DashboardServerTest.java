package io.meshlens.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/** The dashboard server with a real HTTP client, and a stand-in exporter that records what it was asked. */
class DashboardServerTest {
    private HttpServer exporter;
    private volatile String seenAuthorization;
    private volatile String seenQuery;
    private DashboardServer dashboard;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        exporter.createContext("/api/v1/", x -> {
            seenAuthorization = x.getRequestHeaders().getFirst("Authorization");
            seenQuery = x.getRequestURI().getRawQuery();
            byte[] b = x.getRequestURI().getPath().endsWith("/tap")
                    ? "{\"type\":\"end\",\"path\":\"/a?secret=1\",\"headers\":{\"cookie\":\"c\"}}\n\n".getBytes(StandardCharsets.UTF_8)
                    : "{\"rows\":[]}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        exporter.start();
        dashboard = DashboardServer.start(new DashboardServer.Options(new InetSocketAddress("127.0.0.1", 0),
                URI.create("http://127.0.0.1:" + exporter.getAddress().getPort()), URI.create("http://grafana.example/"),
                "t0ken", Duration.ofSeconds(2), "1m"));
    }

    @AfterEach
    void stop() {
        dashboard.close();
        exporter.stop(0);
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(dashboard.url().resolve(path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageWithAStrictPolicyAndNoCors() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"/app.js\">");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).startsWith("default-src 'self'"));
        assertThat(page.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(get("/app.js").headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(get("/secret.txt").statusCode()).isEqualTo(404);
    }

    @Test
    void relaysTheLiveApiAndPresentsTheTokenOnlyToTheExporter() throws Exception {
        HttpResponse<String> stat = get("/api/v1/stat?resource=ns&namespace=a%20b&evil=1");
        assertThat(stat.statusCode()).isEqualTo(200);
        assertThat(stat.body()).isEqualTo("{\"rows\":[]}");
        assertThat(seenQuery).isEqualTo("resource=ns&namespace=a+b");

        HttpResponse<String> tap = get("/api/v1/tap?resource=deploy&name=web&path=%2Fapi");
        assertThat(tap.statusCode()).isEqualTo(200);
        assertThat(tap.body()).isEqualTo("{\"type\":\"end\",\"path\":\"/a\"}\n\n");
        assertThat(seenAuthorization).isEqualTo("Bearer t0ken");

        HttpResponse<String> config = get("/config.json");
        assertThat(config.body()).contains("\"grafana\":\"http://grafana.example\"").doesNotContain("t0ken");
        assertThat(get("/api/v1/metrics").statusCode()).isEqualTo(404);
    }

    @Test
    void refusesOtherOriginsAndRebindingHosts() throws Exception {
        HttpResponse<String> cross = get("/api/v1/tap?resource=deploy&name=web", "Origin", "http://evil.example");
        assertThat(cross.statusCode()).isEqualTo(403);
        assertThat(cross.body()).contains("Origin: 'http://evil.example'");
        assertThat(cross.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(seenAuthorization).isNull();

        // The JDK client will not send a chosen Host: write the request by hand, as a rebinding browser would.
        InetSocketAddress a = dashboard.address();
        try (Socket s = new Socket(a.getAddress(), a.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/v1/tap?resource=deploy&name=web HTTP/1.1\r\nHost: rebind.evil.example:" + a.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String rsp = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rsp).startsWith("HTTP/1.1 403").contains("Host: 'rebind.evil.example:" + a.getPort() + "'");
        }
        assertThat(seenAuthorization).isNull();
    }

    @Test
    void anUnreachableExporterIsA502ThatSaysSo() throws Exception {
        exporter.stop(0);
        HttpResponse<String> r = get("/api/v1/stat?resource=ns");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("cannot reach the meshlens exporter at http://127.0.0.1:").contains("\"unreachable\":true");
    }

    @Test
    void listensOnLoopbackOnly() {
        assertThatThrownBy(() -> new DashboardServer.Options(new InetSocketAddress("0.0.0.0", 0), URI.create("http://x"), null, "",
                Duration.ofSeconds(1), "1m")).hasMessageStartingWith("address: '0.0.0.0' (expected: a loopback address");
    }

    @Test
    void theGrafanaLinkUsesTheWorkloadDashboardsUid() throws IOException {
        String dashboardJson = Files.readString(Path.of("..", "grafana", "dashboards", DashboardServer.GRAFANA_WORKLOAD_UID + ".json"));
        assertThat(dashboardJson).contains("\"uid\": \"" + DashboardServer.GRAFANA_WORKLOAD_UID + "\"");
        assertThat(dashboardJson).contains("\"name\": \"namespace\"").contains("\"name\": \"workload\"");
    }
}
