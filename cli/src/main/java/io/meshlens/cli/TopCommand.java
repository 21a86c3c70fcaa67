package io.meshlens.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import io.meshlens.cli.view.TopTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code meshlens top deploy/web}: the most frequent live paths, from a few seconds of tap. */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = "The most frequent live paths with count, best/worst/last latency and success rate.")
public final class TopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @Mixin
    TapOptions tap;

    @Option(names = "--duration", defaultValue = "10s", description = "how long to watch (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--max", defaultValue = "0", description = "stop after this many events (default: no limit)")
    long max;

    @Override
    public Integer call() {
        TopTable table = new TopTable();
        AtomicLong seen = new AtomicLong();
        api.exporter().tap(tap.query(spec.commandLine(), api.namespace), e -> {
            table.add(e);
            return max == 0 || seen.incrementAndGet() < max;
        }, duration);
        table.print(api.output, spec.commandLine().getOut());
        return 0;
    }
}
