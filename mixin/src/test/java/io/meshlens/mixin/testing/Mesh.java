package io.meshlens.mixin.testing;

import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.meshlens.exporter.ExporterConfig;
import io.meshlens.exporter.ExporterServer;
import io.meshlens.exporter.RunningExporter;
import io.meshlens.proxy.routes.RouteTable;

/**
 * A small real mesh in namespace {@code emojivoto} on 127.0.2.x: {@code web} (routes {@code ok}
 * and {@code broken}, the latter always answering 500), its callers {@code vote-bot} and
 * {@code emoji} (whose proxy has a label cap of 1, so it overflows), an external authority that
 * never resolves, and a meshed pod {@code ghost} whose proxy is gone; an exporter in
 * static-inventory mode scrapes them all. Traffic is sent open-loop at fixed rates.
 */
public final class Mesh implements AutoCloseable {
    public static final String NAMESPACE = "emojivoto";
    public static final String WEB_POD = "web-6b7c9-x1";
    public static final String EXPORTER_IP = "127.0.2.250";

    public final MeshPod web;
    public final MeshPod bot;
    public final MeshPod emoji;
    public final RunningExporter exporter;
    private final ScheduledExecutorService sender = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "mesh-traffic");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient viaBot;
    private final HttpClient viaEmoji;
    public final AtomicLong sent = new AtomicLong();

    private Mesh(MeshPod web, MeshPod bot, MeshPod emoji, RunningExporter exporter) {
        this.web = web;
        this.bot = bot;
        this.emoji = emoji;
        this.exporter = exporter;
        this.viaBot = client(bot.outbound());
        this.viaEmoji = client(emoji.outbound());
    }

    public static Mesh start(Path dir) throws Exception {
        MeshPod web = MeshPod.start("127.0.2.1", Map.of(), b -> b.routes(RouteTable.of(List.of(
                new RouteTable.Route("ok", null, "/ok"), new RouteTable.Route("broken", null, "/broken/**")))));
        MeshPod bot = MeshPod.start("127.0.2.3", Map.of("web-svc", web.inbound()), b -> b);
        MeshPod emoji = MeshPod.start("127.0.2.4", Map.of("web-svc", web.inbound(), "web-alt", web.inbound()), b -> b.labelLimit(1));
        int deadPort = PrometheusProcess.freePort("127.0.2.9");
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, String.join("\n",
                "pods:",
                pod(WEB_POD, web.ip, web.adminPort(), "web", "web-6b7c9", "{app: web}"),
                pod("vote-bot-5d8f-a", bot.ip, bot.adminPort(), "vote-bot", "vote-bot-5d8f", "{app: vote-bot}"),
                pod("emoji-77f-a", emoji.ip, emoji.adminPort(), "emoji", "emoji-77f", "{app: emoji}"),
                pod("ghost-1a-a", "127.0.2.9", deadPort, "ghost", "ghost-1a", "{app: ghost}"),
                "services:",
                "  - {namespace: emojivoto, name: web-svc, clusterIP: 127.0.2.201, selector: {app: web}}",
                "workloads:",
                "  - {namespace: emojivoto, kind: Deployment, name: emoji,",
                "     annotations: {meshlens.io/slo-availability: '99.5', meshlens.io/slo-latency: 300ms 99, meshlens.io/slo-period: 7d}}",
                ""));
        RunningExporter exporter = ExporterServer.start(ExporterConfig.builder().listen(new InetSocketAddress(EXPORTER_IP, 0))
                .inventory(inventory).scrapeInterval(Duration.ofMillis(500)).scrapeTimeout(Duration.ofMillis(500)).build());
        await().atMost(Duration.ofSeconds(20)).until(exporter::isReady);
        return new Mesh(web, bot, emoji, exporter);
    }

    private static String pod(String name, String ip, int adminPort, String deployment, String replicaSet, String labels) {
        return "  - {namespace: emojivoto, name: " + name + ", ip: " + ip + ", meshed: true, adminPort: " + adminPort
               + ", labels: " + labels + ", annotations: {meshlens.io/proxy-version: 0.1.0},"
               + " owners: [{kind: ReplicaSet, name: " + replicaSet + "}, {kind: Deployment, name: " + deployment + "}]}";
    }

    private static HttpClient client(InetSocketAddress proxy) {
        return HttpClient.newBuilder().proxy(ProxySelector.of(proxy)).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Sends {@code perSecond} requests per second from vote-bot to the URL {@code url} supplies, until closed. */
    public void fromBot(double perSecond, Supplier<String> url) {
        every(perSecond, viaBot, url);
    }

    public void fromEmoji(double perSecond, Supplier<String> url) {
        every(perSecond, viaEmoji, url);
    }

    private void every(double perSecond, HttpClient client, Supplier<String> url) {
        long periodMicros = Math.round(1_000_000 / perSecond);
        sender.scheduleAtFixedRate(() -> {
            // open loop: the next request never waits for this one
            client.sendAsync(HttpRequest.newBuilder(URI.create(url.get())).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding());
            sent.incrementAndGet();
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    /** host:port Prometheus scrapes. */
    public String exporterTarget() {
        return EXPORTER_IP + ":" + exporter.port();
    }

    @Override
    public void close() {
        sender.shutdownNow();
        exporter.close();
        web.close();
        bot.close();
        emoji.close();
    }
}
