package io.meshlens.cli.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real Prometheus 3 for the demo (the first {@code prometheus} on the PATH: scripts/demo.sh puts
 * the pinned build of scripts/tools.sh first), scraping the demo's exporter every 5 s, native
 * histograms over protobuf, and loading the mixin's rendered rules from {@code alerts/}.
 */
final class DemoPrometheus implements AutoCloseable {
    private final Process process;
    final InetSocketAddress address;

    private DemoPrometheus(Process process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /**
     * The checkout's pinned Prometheus 3 ({@code .tools/bin/prometheus}, scripts/tools.sh), else
     * the first {@code prometheus} on the PATH, if any. The config below needs 3.9+.
     */
    static Optional<Path> binary(Path repo) {
        Path pinned = repo.resolve(".tools/bin/prometheus");
        if (Files.isExecutable(pinned)) {
            return Optional.of(pinned);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "prometheus");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static DemoPrometheus start(Path binary, Path workDir, InetSocketAddress listen, InetSocketAddress exporter, Path repo) {
        // A Prometheus left over on this address would answer /-/ready for us: refuse instead.
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(listen);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Prometheus: " + listen.getHostString() + ":" + listen.getPort()
                    + " is in use (" + e.getMessage() + "); is another demo or Prometheus running?", e);
        }
        try {
            List<String> rules = new ArrayList<>();
            for (String f : List.of("alerts/meshlens-rules.yaml", "alerts/meshlens-alerts.yaml")) {
                Path p = repo.resolve(f).toAbsolutePath();
                if (Files.isRegularFile(p)) {
                    rules.add("  - " + p);
                }
            }
            Path config = workDir.resolve("prometheus.yml");
            Files.writeString(config, String.join("\n",
                    "global: {scrape_interval: 5s, evaluation_interval: 5s, scrape_native_histograms: true}",
                    rules.isEmpty() ? "" : "rule_files:\n" + String.join("\n", rules),
                    "scrape_configs:",
                    "  - job_name: meshlens-exporter",
                    "    honor_labels: true",
                    // the classic buckets too: the trace-id exemplars the demo's story ends at sit on them
                    "    always_scrape_classic_histograms: true",
                    "    static_configs: [{targets: ['" + exporter.getHostString() + ":" + exporter.getPort() + "']}]",
                    ""));
            Path log = workDir.resolve("prometheus.log");
            Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + workDir.resolve("tsdb"),
                    "--web.listen-address=" + listen.getHostString() + ":" + listen.getPort(),
                    // exemplars of the classic buckets (trace ids), stored beside the native histograms
                    "--enable-feature=exemplar-storage", "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            DemoPrometheus prom = new DemoPrometheus(p, listen);
            prom.awaitReady(log);
            return prom;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Prometheus: " + e.getMessage(), e);
        }
    }

    URI url() {
        return URI.create("http://" + address.getHostString() + ":" + address.getPort());
    }

    /** Waits (bounded) until Prometheus answers {@code /-/ready}; fails with its log when it exits. */
    private void awaitReady(Path log) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Prometheus exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url().resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Prometheus");
            }
            try {
                process.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Prometheus");
            }
        }
        close();
        throw new IOException("Prometheus not ready within 30 s; log: " + log);
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
