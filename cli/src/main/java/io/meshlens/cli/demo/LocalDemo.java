package io.meshlens.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.meshlens.demo.GrpcApp;
import io.meshlens.demo.Upstream;
import io.meshlens.demo.VoteBot;
import io.meshlens.demo.WebApp;
import io.meshlens.exporter.ExporterConfig;
import io.meshlens.exporter.ExporterServer;
import io.meshlens.exporter.RunningExporter;
import io.meshlens.proxy.routes.RouteTable;

/**
 * The local demo: the voting app on loopback "pods", each with its own meshlens proxy, an
 * exporter in static-inventory mode, and, when installed, a real Prometheus. Addresses (with
 * prefix {@code 127.0.10.}): web .1, emoji .2, voting .3, vote-bot .4, exporter .100:9995,
 * Prometheus .100:9090. Traffic: vote-bot -> web (HTTP/1.1 JSON) -> emoji and voting (gRPC).
 * {@link #close()} stops everything it started.
 */
public final class LocalDemo implements AutoCloseable {
    public static final String NAMESPACE = "emojivoto";
    static final int EXPORTER_PORT = 9995;
    static final int PROMETHEUS_PORT = 9090;

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Path workDir;
    private RunningExporter exporter;
    private DemoPrometheus prometheus;
    private VoteBot bot;
    private DemoPod botPod;

    /** What to start, and where. */
    public record Options(String prefix, boolean fixedPorts, double rate, boolean prometheus, Path repo) {
        public static Options defaults() {
            return new Options("127.0.10.", true, 20, true, Path.of("."));
        }
    }

    private LocalDemo(Path workDir) {
        this.workDir = workDir;
    }

    public static LocalDemo start(Options o) {
        Path dir;
        try {
            dir = Files.createTempDirectory("meshlens-demo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalDemo demo = new LocalDemo(dir);
        try {
            demo.startAll(o);
            return demo;
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
    }

    private void startAll(Options o) {
        String p = o.prefix();
        RouteTable routes = DemoRoutes.all();
        int appPort = o.fixedPorts() ? DemoPod.APP_PORT : 0;

        GrpcApp emojiApp = track(GrpcApp.emoji(new InetSocketAddress(p + "2", appPort)));
        DemoPod emoji = track(DemoPod.start(NAMESPACE, "emoji", "emoji-7c9f6d8b5-k2m4x", p + "2",
                emojiApp.address(), Map.of(), routes, o.fixedPorts()));
        GrpcApp votingApp = track(GrpcApp.voting(new InetSocketAddress(p + "3", appPort)));
        DemoPod voting = track(DemoPod.start(NAMESPACE, "voting", "voting-5f8b7c6d9-p7q2w", p + "3",
                votingApp.address(), Map.of(), routes, o.fixedPorts()));

        // web reaches emoji and voting by their Service names through its own outbound proxy.
        DemoPod web = startWeb(p, appPort, emoji, voting, routes, o.fixedPorts());
        botPod = track(DemoPod.start(NAMESPACE, "vote-bot", "vote-bot-6d5c4b3a2-z9y8x", p + "4",
                null, // vote-bot serves nothing
                Map.of("web-svc.emojivoto", web.inbound()), routes, o.fixedPorts()));

        List<DemoPod> pods = List.of(web, emoji, voting, botPod);
        Path inventory = workDir.resolve("inventory.yaml");
        try {
            Files.writeString(inventory, DemoInventory.yaml(NAMESPACE, pods));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        exporter = track(ExporterServer.start(ExporterConfig.builder()
                .listen(new InetSocketAddress(p + "100", o.fixedPorts() ? EXPORTER_PORT : 0))
                .inventory(inventory)
                .scrapeInterval(Duration.ofSeconds(2))
                .scrapeTimeout(Duration.ofSeconds(1))
                .build()));
        // Traffic first: the live window fills while Prometheus starts, so the first stat comes sooner.
        bot = track(VoteBot.start(new Upstream(botPod.outbound(), "web-svc.emojivoto:8080"), o.rate()));
        if (o.prometheus()) {
            Optional<Path> bin = DemoPrometheus.binary(o.repo());
            if (bin.isPresent()) {
                prometheus = track(DemoPrometheus.start(bin.get(), workDir, new InetSocketAddress(p + "100", PROMETHEUS_PORT),
                        exporter.address(), o.repo()));
            }
        }
    }

    private DemoPod startWeb(String p, int appPort, DemoPod emoji, DemoPod voting, RouteTable routes, boolean fixed) {
        // The web app needs its proxy's outbound address before it starts, and the proxy needs
        // the app's address: start the proxy first towards a reserved app port.
        InetSocketAddress appAddress = new InetSocketAddress(p + "1", appPort == 0 ? freePort(p + "1") : appPort);
        DemoPod web = track(DemoPod.start(NAMESPACE, "web", "web-6b7c9d8f4-x1v2b", p + "1", appAddress,
                Map.of("emoji-svc.emojivoto", emoji.inbound(), "voting-svc.emojivoto", voting.inbound()), routes, fixed));
        track(WebApp.start(appAddress, new Upstream(web.outbound(), "emoji-svc.emojivoto:8080"),
                new Upstream(web.outbound(), "voting-svc.emojivoto:8080")));
        return web;
    }

    private static int freePort(String ip) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, DemoPod.address(ip))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + ip, e);
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        started.push(c);
        return c;
    }

    public URI exporterUrl() {
        InetSocketAddress a = exporter.address();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort());
    }

    /** The demo's Prometheus, when one was started. */
    public Optional<URI> prometheusUrl() {
        return Optional.ofNullable(prometheus).map(DemoPrometheus::url);
    }

    public boolean exporterReady() {
        return exporter.isReady();
    }

    /** vote-bot's outbound proxy: where a client standing in for the bot sends its requests. */
    public InetSocketAddress botOutbound() {
        return botPod.outbound();
    }

    public long requestsSent() {
        return bot.sent();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
        try (var files = Files.walk(workDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
