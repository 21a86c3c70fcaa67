package io.meshlens.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.meshlens.cli.render.OutputFormat;
import io.meshlens.cli.render.Terminal;
import io.meshlens.cli.view.TopTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshlens top deploy/web}: the most frequent live paths. On a terminal, a full-screen view
 * redrawn every second until {@code q} or Ctrl-C (as {@code linkerd viz top}); piped, with
 * {@code -o json} or {@code --duration}, one snapshot after the duration, for scripts.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"The most frequent live paths with count, best/worst/last latency and success rate.",
            "On a terminal: a live view redrawn every second, sorted by count; q or Ctrl-C quits.",
            "Piped, with -o json or with --duration: one snapshot after the duration (default 10s)."})
public final class TopCommand implements Callable<Integer> {
    private static final Duration SNAPSHOT = Duration.ofSeconds(10);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @Mixin
    TapOptions tap;

    @Option(names = "--duration", description = "print one snapshot after this long (default on a terminal: live view; else 10s)")
    Duration duration;

    @Option(names = "--max", defaultValue = "0", description = "stop after this many events (default: no limit)")
    long max;

    @Override
    public Integer call() {
        Map<String, String> query = tap.query(spec.commandLine(), api.namespace);
        if (duration == null && api.output != OutputFormat.json && System.console() != null) {
            return live(query);
        }
        TopTable table = new TopTable();
        AtomicLong seen = new AtomicLong();
        api.exporter().tap(query, e -> {
            if (!tap.keeps(e)) {
                return true;
            }
            table.add(e);
            return max == 0 || seen.incrementAndGet() < max;
        }, duration == null ? SNAPSHOT : duration);
        table.print(api.output, spec.commandLine().getOut());
        return 0;
    }

    private int live(Map<String, String> query) {
        TopTable table = new TopTable();
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicLong seen = new AtomicLong();
        Thread tapping = new Thread(() -> {
            try {
                api.exporter().tap(query, e -> {
                    if (!tap.keeps(e)) {
                        return true;
                    }
                    table.add(e);
                    return stop.getCount() > 0 && (max == 0 || seen.incrementAndGet() < max);
                }, null);
            } catch (RuntimeException e) {
                failure.set(e);
            } finally {
                stop.countDown();
            }
        }, "top-tap");
        tapping.setDaemon(true);
        Thread keys = new Thread(() -> {
            try {
                for (int c = System.in.read(); c >= 0; c = System.in.read()) {
                    if (c == 'q' || c == 'Q' || c == 3) {
                        break;
                    }
                }
            } catch (java.io.IOException e) {
                // no keyboard: Ctrl-C still ends the view
            }
            stop.countDown();
        }, "top-keys");
        keys.setDaemon(true);
        String title = "meshlens top " + tap.describe() + (api.namespace.isEmpty() ? "" : " -n " + api.namespace);
        try (Terminal terminal = Terminal.open(System.out)) {
            tapping.start();
            keys.start();
            do {
                terminal.draw(frame(title, table));
            } while (!awaitQuietly(stop));
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return 0;
    }

    private static List<String> frame(String title, TopTable table) {
        StringWriter s = new StringWriter();
        table.print(OutputFormat.table, new PrintWriter(s));
        List<String> lines = new ArrayList<>();
        lines.add(title + "   " + LocalTime.now().format(CLOCK) + "   (q quits)");
        lines.add("");
        s.toString().lines().forEach(lines::add);
        return lines;
    }

    private static boolean awaitQuietly(CountDownLatch stop) {
        try {
            return stop.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
