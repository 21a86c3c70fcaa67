package io.meshlens.bench.load;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.netty.channel.EventLoopGroup;

/**
 * Open-loop (fixed-rate) load generator: HTTP/1.1, HTTP/2 (h2c) or gRPC unary. A driver thread
 * releases each request at its intended time (see {@link Schedule}); responses are recorded
 * from that intended time into an HdrHistogram. Prints p50/p90/p99/p99.9/max, achieved rate and
 * errors (non-2xx, failed calls, connection errors, and requests unanswered 5 s after the end).
 */
public final class LoadMain {
    private static volatile String lastStatuses = "";

    private LoadMain() {}

    /** The status counts of the last run ({@link Results#statusCounts()}), e.g. {@code 200=500 none=0}. */
    static String lastStatuses() {
        return lastStatuses;
    }

    public static void main(String[] args) throws Exception {
        LoadOptions o;
        try {
            o = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (o.prewarmUrl() != null) {
            Results.Summary w = run(o.prewarmRun());
            System.err.println("prewarmed against " + o.prewarmUrl() + ": " + w.human());
        }
        if (o.startWhen() != null) {
            long waited = ReadyWait.await(o.startWhen(), Duration.ofMinutes(2));
            System.err.printf(java.util.Locale.ROOT, "started %.0f ms after polling %s%n", waited / 1e6, o.startWhen());
        }
        Results.Summary s = run(o);
        System.err.println("load " + o.protocol() + " " + o.url() + " @ " + o.rate() + "/s: " + s.human());
        System.err.println("statuses: " + lastStatuses);
        System.out.println(o.tsv() ? s.tsv() : s.human());
    }

    public static Results.Summary run(LoadOptions o) throws Exception {
        EventLoopGroup group = Netty.group(1);
        long total = o.warmup().toNanos() + o.duration().toNanos();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        long windowStart = start + o.warmup().toNanos();
        Slices slices = o.slice() == null ? null : new Slices(start, o.slice().toNanos(), total);
        Results results = new Results(windowStart, slices);
        try (LoadClient client = switch (o.protocol()) {
            case "h2" -> new Http2Client(group, o.url(), o.authority(), o.connections(), results);
            case "grpc" -> new GrpcClient(o.url(), o.authority(), results);
            default -> new Http1Client(group, o.url(), o.authority(), o.connections(), results);
        }) {
            Schedule schedule = new Schedule(start, o.rate(), total);
            drive(schedule, client);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (client.inFlight() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            lastStatuses = results.statusCounts();
            if (slices != null) {
                slices.drain().forEach(x -> System.out.println(x.line()));
            }
            return results.summary(o.duration().toNanos(), client.inFlight());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Releases every request at (or just after) its intended time, never waiting for answers. */
    static void drive(Schedule schedule, LoadClient client) {
        long sent = 0;
        while (sent < schedule.count()) {
            long due = schedule.dueBy(System.nanoTime());
            while (sent < due) {
                client.send(schedule.intended(sent++));
            }
            if (sent < schedule.count()) {
                long wait = schedule.intended(sent) - System.nanoTime();
                if (wait > 20_000) {
                    LockSupport.parkNanos(wait - 10_000);
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
