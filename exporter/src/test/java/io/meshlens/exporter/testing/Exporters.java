package io.meshlens.exporter.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.meshlens.exporter.ExporterConfig;
import io.meshlens.exporter.RunningExporter;
import io.meshlens.proxy.testing.PromText;

/** Helpers to configure exporters for tests and read their endpoints with a real HTTP client. */
public final class Exporters {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * How long a test waits for the exporter to reach a state: long enough for a machine at a
     * load average of 50; a passing wait returns as soon as the state is reached.
     */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    private Exporters() {}

    /**
     * One-second cycles on an ephemeral loopback port in the exporter tests' range. A scrape that
     * times out drops its target's series for that cycle, so tests read the exporter inside
     * {@code await()} blocks: on a loaded machine they take more cycles, never a different answer.
     */
    public static ExporterConfig.Builder config() {
        return ExporterConfig.builder().listen(new InetSocketAddress("127.0.1.250", 0))
                .scrapeInterval(Duration.ofSeconds(1)).scrapeTimeout(Duration.ofSeconds(1));
    }

    public static HttpResponse<String> get(RunningExporter e, String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.1.250:" + e.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public static PromText scrape(RunningExporter e) throws IOException, InterruptedException {
        HttpResponse<String> r = get(e, "/metrics");
        if (r.statusCode() != 200) {
            throw new IOException("/metrics: " + r.statusCode() + " " + r.body());
        }
        return PromText.parse(r.body());
    }
}
