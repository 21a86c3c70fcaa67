package io.meshlens.bench.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

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
        if (o.phases()) {
            BufferedReader control = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (Results.PhaseSummary p : run(o, control)) {
                System.err.println("load " + o.protocol() + " " + o.url() + " @ " + o.rate() + "/s, " + p.human());
                System.out.println(o.tsv() ? p.phase() + " " + p.summary().tsv() : p.human());
            }
            System.err.println("statuses: " + lastStatuses);
            return;
        }
        Results.Summary s = run(o);
        System.err.println("load " + o.protocol() + " " + o.url() + " @ " + o.rate() + "/s: " + s.human());
        System.err.println("statuses: " + lastStatuses);
        System.out.println(o.tsv() ? s.tsv() : s.human());
    }

    /** A fixed run: warm-up, then one phase of {@code --duration}. */
    public static Results.Summary run(LoadOptions o) throws Exception {
        return run(o, null).get(0).summary();
    }

    /**
     * With {@code control} (see {@link PhaseControl}), the phases are the ones it names and the run
     * ends when it says {@code end} (or after warm-up plus {@code --duration}, whichever is first);
     * without, one phase "run" follows the warm-up. With {@code --slice}, prints each slice, and
     * with {@code control} the phase it starts in.
     */
    static List<Results.PhaseSummary> run(LoadOptions o, BufferedReader control) throws Exception {
        EventLoopGroup group = Netty.group(1);
        long total = o.warmup().toNanos() + o.duration().toNanos();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        Slices slices = o.slice() == null ? null : new Slices(start, o.slice().toNanos(), total);
        Results results = new Results(slices);
        BooleanSupplier ended = () -> false;
        if (control == null) {
            results.startPhase("run", start + o.warmup().toNanos());
        } else {
            ended = new PhaseControl(control, results).start()::ended;
        }
        try (LoadClient client = switch (o.protocol()) {
            case "h2" -> new Http2Client(group, o.url(), o.authority(), o.connections(), results);
            case "grpc" -> new GrpcClient(o.url(), o.authority(), results);
            default -> new Http1Client(group, o.url(), o.authority(), o.connections(), results);
        }) {
            Schedule schedule = new Schedule(start, o.rate(), total);
            long end = drive(schedule, client, ended);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (client.inFlight() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            lastStatuses = results.statusCounts();
            if (slices != null) {
                for (Slices.Slice x : slices.drain()) {
                    if (x.fromNanos() >= end - start) {
                        break; // ended early: the rest of the plan was never sent
                    }
                    // a slice in which a phase began is that phase's: the abusers' first second is abuse
                    System.out.println(control == null ? x.line() : x.line() + " " + results.phaseAt(start + x.toNanos() - 1));
                }
            }
            return results.summaries(end, client.inFlight());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * Releases every request at (or just after) its intended time, never waiting for answers,
     * until the plan or {@code ended} says stop; returns the intended time of the first request
     * not sent (the end of the run).
     */
    static long drive(Schedule schedule, LoadClient client, BooleanSupplier ended) {
        long sent = 0;
        while (sent < schedule.count() && !ended.getAsBoolean()) {
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
        return schedule.intended(sent);
    }
}
