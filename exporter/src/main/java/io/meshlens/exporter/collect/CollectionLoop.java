package io.meshlens.exporter.collect;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.meshlens.exporter.ExporterConfig;
import io.meshlens.exporter.discovery.Cluster;
import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.enrich.Aggregation;
import io.meshlens.exporter.enrich.Enricher;
import io.meshlens.exporter.enrich.TargetSeries;
import io.meshlens.exporter.identity.IdentityResolver;
import io.meshlens.exporter.live.LiveSnapshot;
import io.meshlens.exporter.live.LiveWindow;
import io.meshlens.exporter.scrape.ScrapeError;
import io.meshlens.exporter.scrape.ScrapedPage;
import io.meshlens.exporter.scrape.ScrapeException;
import io.meshlens.exporter.scrape.Scraper;

/**
 * The scrape loop: every interval, scrape each meshed pod this exporter is responsible for
 * (concurrently, bounded), enrich what came back, and publish the result as one {@link Cycle}.
 * A failing target is marked down with its reason and never holds up the others: each scrape
 * has its own deadline.
 */
public final class CollectionLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CollectionLoop.class);

    private final ExporterConfig config;
    private final Cluster cluster;
    private final SelfMetrics self;
    private final LiveWindow live;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "meshlens-collect"));
    private final ExecutorService http = Executors.newFixedThreadPool(2, r -> daemon(r, "meshlens-scrape"));
    private final Scraper scraper;
    private final Semaphore permits;
    private final long staleAfterNanos;
    private Map<String, TargetState> targets = new HashMap<>(); // loop thread only
    private volatile Cycle latest = Cycle.NONE;
    /** The output, kept across cycles so a steady cycle only adds numbers into existing series (loop thread only). */
    private final Aggregation agg = new Aggregation();
    /** Per target, what its last page resolved to (loop thread only). */
    private Map<String, TargetSeries> known = new HashMap<>();

    public CollectionLoop(ExporterConfig config, Cluster cluster, SelfMetrics self, LiveWindow live) {
        this.config = requireNonNull(config, "config");
        this.cluster = requireNonNull(cluster, "cluster");
        this.self = requireNonNull(self, "self");
        this.live = requireNonNull(live, "live");
        this.scraper = new Scraper(http, config.scrapeTimeout(), config.maxPageBytes(), config.maxSeriesPerTarget());
        this.permits = new Semaphore(config.scrapeConcurrency());
        this.staleAfterNanos = config.scrapeInterval().toNanos() * 3;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::safeCycle, 0, config.scrapeInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    public Cycle latest() {
        return latest;
    }

    private void safeCycle() {
        try {
            cycle();
        } catch (RuntimeException | Error e) {
            // One bad cycle must not end the loop (a scheduled task that throws is never run again).
            log.error("scrape cycle failed", e);
        }
    }

    /** Pods this exporter scrapes: meshed, running, and on its node in DaemonSet mode. */
    private List<PodInfo> due() {
        List<PodInfo> out = new ArrayList<>();
        for (PodInfo p : cluster.pods()) {
            if (p.scrapeable() && (config.nodeName().isEmpty() || config.nodeName().equals(p.node()))) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Runs one scrape cycle now, on the calling thread (the loop calls it; benchmarks too). Pages
     * are enriched as they arrive, while later scrapes are still in flight: the decoded pages of
     * a cycle are never all in memory at once (at 5,000 targets that alone was gigabytes), and
     * enrichment overlaps the network wait.
     */
    public void cycle() {
        List<PodInfo> due = due();
        Map<String, PodInfo> byKey = new HashMap<>();
        Map<String, CompletableFuture<ScrapedPage>> inflight = new HashMap<>();
        BlockingQueue<String> arrived = new LinkedBlockingQueue<>();
        Pass pass = new Pass();
        agg.beginCycle();
        try {
            for (PodInfo p : due) {
                byKey.put(p.key(), p);
                while (!permits.tryAcquire(5, TimeUnit.MILLISECONDS)) {
                    drain(arrived, byKey, inflight, pass);
                }
                long t0 = System.nanoTime();
                CompletableFuture<ScrapedPage> f;
                try {
                    f = scraper.scrape(p.ip(), p.adminPort());
                } catch (RuntimeException e) {
                    f = CompletableFuture.failedFuture(new ScrapeException(ScrapeError.CONNECT, p.ip() + ": " + e));
                }
                inflight.put(p.key(), f);
                f.whenComplete((page, err) -> {
                    permits.release();
                    self.scraped((System.nanoTime() - t0) / 1e9);
                    arrived.add(p.key());
                });
                drain(arrived, byKey, inflight, pass);
            }
            long waitUntil = System.nanoTime() + config.scrapeTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
            while (pass.next.size() < due.size()) {
                long left = waitUntil - System.nanoTime();
                String key = left <= 0 ? null : arrived.poll(left, TimeUnit.NANOSECONDS);
                if (key == null) {
                    break; // the rest time out below
                }
                handle(byKey.get(key), inflight.get(key), pass);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (PodInfo p : due) {
            if (!pass.next.containsKey(p.key())) {
                handle(p, inflight.get(p.key()), pass); // no answer in time: a timeout
            }
        }
        long now = System.nanoTime();
        targets = pass.next;
        known = pass.known;
        self.series(pass.in, agg.seriesCount());
        latest = new Cycle(now, Map.copyOf(pass.next), agg.toSnapshots());
        live.record(LiveSnapshot.of(now, agg));
    }

    /** What one cycle has gathered so far (loop thread only). */
    private final class Pass {
        final Map<String, TargetState> next = new HashMap<>();
        final Map<String, TargetSeries> known = new HashMap<>();
        final IdentityResolver resolver = new IdentityResolver(cluster);
        int in;
    }

    private void drain(BlockingQueue<String> arrived, Map<String, PodInfo> byKey,
                       Map<String, CompletableFuture<ScrapedPage>> inflight, Pass pass) {
        for (String key = arrived.poll(); key != null; key = arrived.poll()) {
            handle(byKey.get(key), inflight.get(key), pass);
        }
    }

    /** Records a target's outcome and enriches its page (or its last good one while it is failing). */
    private void handle(PodInfo p, CompletableFuture<ScrapedPage> f, Pass pass) {
        if (pass.next.containsKey(p.key())) {
            return;
        }
        TargetState t = outcome(p, f, targets.get(p.key()), System.nanoTime());
        pass.next.put(p.key(), t);
        byte[] page = t.lastPage(); // this scrape's page, or while it is failing, the last good one
        if (page.length == 0) {
            return;
        }
        TargetSeries series = known.getOrDefault(p.key(), new TargetSeries());
        pass.known.put(p.key(), series);
        try {
            pass.in += Enricher.enrich(t.pod(), t.workload(), page, series, pass.resolver, agg);
        } catch (IOException | RuntimeException e) {
            // Checked when it arrived, so this cannot happen; one page is never worth failing a cycle.
            log.warn("enriching {} failed", p.key(), e);
        }
    }

    private TargetState outcome(PodInfo p, CompletableFuture<ScrapedPage> f, TargetState previous, long now) {
        var workload = cluster.workloadOf(p);
        if (f.isDone() && !f.isCompletedExceptionally()) {
            ScrapedPage page = f.join();
            return new TargetState(p, workload, true, "", now, page.raw(), page.series(), page.version());
        }
        ScrapeException e = failure(f);
        self.scrapeFailed(e.reason());
        log.debug("scrape failed: {}", e.getMessage());
        boolean fresh = previous != null && previous.lastSuccessNanos() != 0 && now - previous.lastSuccessNanos() < staleAfterNanos;
        return new TargetState(p, workload, false, e.reason().label() + ": " + e.getMessage(),
                previous == null ? 0 : previous.lastSuccessNanos(), fresh ? previous.lastPage() : ScrapedPage.EMPTY.raw(),
                fresh ? previous.series() : 0,
                previous == null ? "" : previous.version());
    }

    private ScrapeException failure(CompletableFuture<ScrapedPage> f) {
        if (!f.isDone()) {
            f.cancel(true);
            return new ScrapeException(ScrapeError.TIMEOUT, "no answer within the cycle's deadline");
        }
        try {
            f.join();
            throw new IllegalStateException("not failed");
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            return c instanceof ScrapeException ? (ScrapeException) c : new ScrapeException(ScrapeError.CONNECT, String.valueOf(c));
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        http.shutdownNow();
    }
}
