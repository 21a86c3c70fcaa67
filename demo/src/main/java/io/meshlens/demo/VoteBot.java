package io.meshlens.demo;

import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The traffic generator: at a fixed rate, lists the ballot or votes for a random choice on
 * {@code web}, through its own outbound proxy (an HTTP forward proxy, as an app whose traffic is
 * intercepted would reach it). Every choice is equally likely, so about 1 in 10 votes fails.
 */
public final class VoteBot implements AutoCloseable {
    private final HttpClient client;
    private final String base;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vote-bot");
        t.setDaemon(true);
        return t;
    });
    private final SplittableRandom random = new SplittableRandom(7);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param proxy the bot's outbound proxy
     * @param webAuthority how the bot names web ({@code host:port})
     */
    private VoteBot(Upstream web) {
        this.client = HttpClient.newBuilder().proxy(ProxySelector.of(web.connect()))
                .connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
        this.base = "http://" + web.authority();
    }

    public static VoteBot start(Upstream web, double requestsPerSecond) {
        VoteBot bot = new VoteBot(web);
        long periodMicros = Math.max(1, (long) (1_000_000 / requestsPerSecond));
        bot.timer.scheduleAtFixedRate(bot::once, 0, periodMicros, TimeUnit.MICROSECONDS);
        return bot;
    }

    private void once() {
        String path;
        synchronized (random) {
            path = random.nextInt(4) == 0 ? "/api/list"
                    : "/api/vote?choice=" + Emojis.ALL.get(random.nextInt(Emojis.ALL.size())).shortcode();
        }
        // Each request starts a trace, as a traced client would; web carries it on to emoji and voting.
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .header(TraceParent.HEADER, TraceParent.root()).GET().build();
        sent.incrementAndGet();
        client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((rsp, err) -> {
            if (err != null || rsp.statusCode() >= 500) {
                failed.incrementAndGet();
            }
        });
    }

    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
