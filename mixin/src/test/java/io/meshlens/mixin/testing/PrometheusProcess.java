package io.meshlens.mixin.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Prometheus 3 or Alertmanager (the pinned builds of scripts/tools.sh, see {@link Tools}) on
 * a loopback address, with its config and data in a temporary directory, and a small client for its
 * HTTP API.
 */
public final class PrometheusProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    public final String baseUrl;

    private PrometheusProcess(Process process, String baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
    }

    /** Starts a tool ({@code prometheus} or {@code alertmanager}) and waits until /-/ready answers 200. */
    public static PrometheusProcess start(String binary, String ip, Path dir, List<String> flags) throws IOException {
        int port = freePort(ip);
        List<String> cmd = new ArrayList<>(List.of(Tools.path(binary), "--web.listen-address=" + ip + ":" + port));
        cmd.addAll(flags);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(binary + ".log").toFile()).start();
        PrometheusProcess running = new PrometheusProcess(p, "http://" + ip + ":" + port);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> running.get("/-/ready").statusCode() == 200);
        } catch (RuntimeException e) {
            running.close();
            throw new IllegalStateException(binary + " did not become ready: " + Files.readString(dir.resolve(binary + ".log")), e);
        }
        return running;
    }

    /**
     * With native histograms: the config's {@code global: {...}} line gets
     * {@code scrape_native_histograms: true} (Prometheus 3.9+; it then asks for protobuf first and
     * stores native histograms only). The config is written beside the data as {@code native.yml}.
     */
    public static PrometheusProcess prometheus(String ip, Path dir, Path config) throws IOException {
        String text = Files.readString(config);
        if (!text.startsWith("global: {")) {
            throw new IllegalArgumentException(config + " must start with 'global: {' (got: " + text.lines().findFirst().orElse("") + ")");
        }
        Path nativeConfig = dir.resolve("native.yml");
        Files.writeString(nativeConfig, text.replaceFirst("global: \\{", "global: {scrape_native_histograms: true, "));
        return start("prometheus", ip, dir, List.of("--config.file=" + nativeConfig, "--storage.tsdb.path=" + dir.resolve("data"),
                "--rules.alert.resend-delay=1s"));
    }

    /** Without native histograms (3.x's default): classic buckets only, their {@code le} normalised ("1" is "1.0"). */
    public static PrometheusProcess classic(String ip, Path dir, Path config) throws IOException {
        return start("prometheus", ip, dir, List.of("--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data")));
    }

    public static int freePort(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
            return s.getLocalPort();
        }
    }

    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An instant query; returns the whole answer ({@code status}, {@code data.result} or {@code error}). */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        return JSON.readTree(get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body());
    }

    /** The value of a one-series result, or NaN when there is none. */
    public double scalar(String promql) throws IOException, InterruptedException {
        JsonNode r = query(promql).path("data").path("result");
        return r.size() == 1 ? Double.parseDouble(r.get(0).path("value").get(1).asText()) : Double.NaN;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
