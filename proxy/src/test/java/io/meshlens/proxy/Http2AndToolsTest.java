package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.H2App;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;

/** Plain HTTP/2 and HTTP/1.1 driven by the real curl and h2load binaries. */
class Http2AndToolsTest {
    private H2App h2app;
    private Backend h1app;
    private RunningProxy h2proxy;
    private RunningProxy h1proxy;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        h2app = new H2App();
        h1app = new Backend();
        h2proxy = ProxyServer.start(Proxies.config(h2app.address()).name("h2app", h2app.address()).build());
        h1proxy = ProxyServer.start(Proxies.config(h1app.address()).build());
    }

    @AfterEach
    void stop() {
        h2proxy.close();
        h1proxy.close();
        h2app.close();
        h1app.close();
    }

    /** Runs a real tool with a hard deadline: a wedged transfer fails the test, never the build. */
    private String run(String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String s = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(exited).as("%s did not finish within 60 s: %s", List.of(cmd), s).isTrue();
        assertThat(p.exitValue()).as(s).isZero();
        return s;
    }

    @Test
    void curlHttp2PriorKnowledgeAndUpload() throws Exception {
        String base = "http://127.0.0.1:" + h2proxy.inboundPorts().get(0);
        assertThat(run("curl", "-s", "--http2-prior-knowledge", base + "/hello")).isEqualTo("ok");
        Path big = dir.resolve("big");
        Files.write(big, new byte[8 * 1024 * 1024]);
        String headers = run("curl", "-s", "-D", "-", "-o", "/dev/null", "--http2-prior-knowledge",
                "--data-binary", "@" + big, base + "/upload");
        assertThat(headers).contains("x-request-length: " + (8 * 1024 * 1024));
        // outbound by :authority
        assertThat(run("curl", "-s", "--http2-prior-knowledge", "-H", "Host: h2app",
                "http://127.0.0.1:" + h2proxy.outboundPort() + "/o")).isEqualTo("ok");
        PromText m = Proxies.scrape(h2proxy);
        assertThat(m.sum("meshlens_responses_total", Map.of("direction", "inbound", "protocol", "http2",
                "status_code", "200", "classification", "success"))).isEqualTo(2);
        assertThat(m.sum("meshlens_responses_total", Map.of("direction", "outbound", "protocol", "http2",
                "authority", "h2app:80"))).isEqualTo(1);
        assertThat(m.sum("meshlens_request_bytes_total", Map.of("direction", "inbound"))).isEqualTo(8 * 1024 * 1024);
    }

    @Test
    void grpcResponseWithoutStatusIsProtocolError() throws Exception {
        run("curl", "-s", "-o", "/dev/null", "--http2-prior-knowledge", "-H", "content-type: application/grpc",
                "--data-binary", "x", "http://127.0.0.1:" + h2proxy.inboundPorts().get(0) + "/grpc-nostatus");
        PromText m = Proxies.scrape(h2proxy);
        assertThat(m.sum("meshlens_responses_total", Map.of("protocol", "grpc", "status_code", "200",
                "grpc_status", "", "error", "protocol_error", "classification", "failure"))).isEqualTo(1);
    }

    private static int succeeded(String h2loadOutput) {
        Matcher mm = Pattern.compile("(\\d+) succeeded").matcher(h2loadOutput);
        assertThat(mm.find()).as(h2loadOutput).isTrue();
        return Integer.parseInt(mm.group(1));
    }

    @Test
    void h2loadHttp2MultiplexedAndHttp1() throws Exception {
        String out = run("h2load", "-n", "3000", "-c", "4", "-m", "20", "-t", "1",
                "http://127.0.0.1:" + h2proxy.inboundPorts().get(0) + "/load");
        int ok = succeeded(out);
        assertThat(ok).isEqualTo(3000);
        String out1 = run("h2load", "--h1", "-n", "2000", "-c", "4", "-t", "1",
                "http://127.0.0.1:" + h1proxy.inboundPorts().get(0) + "/load");
        assertThat(succeeded(out1)).isEqualTo(2000);
        PromText m = Proxies.scrape(h2proxy);
        assertThat(m.sum("meshlens_requests_total", Map.of("direction", "inbound", "protocol", "http2"))).isEqualTo(3000);
        assertThat(m.sum("meshlens_responses_total", Map.of("direction", "inbound", "protocol", "http2",
                "status_code", "200", "error", ""))).isEqualTo(3000);
        assertThat(m.sum("meshlens_response_latency_seconds_count", Map.of("direction", "inbound", "protocol", "http2")))
                .isEqualTo(3000);
        PromText m1 = Proxies.scrape(h1proxy);
        assertThat(m1.sum("meshlens_responses_total", Map.of("direction", "inbound", "protocol", "http1",
                "status_code", "200", "error", ""))).isEqualTo(2000);
        assertThat(h1app.requests.get()).isEqualTo(2000);
    }

}
