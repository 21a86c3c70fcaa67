package io.meshlens.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import io.meshlens.cli.render.OutputFormat;
import io.meshlens.cli.view.TapView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code meshlens tap deploy/web}: the live request stream of every pod of a resource. */
@Command(name = "tap", mixinStandardHelpOptions = true,
        description = {"Stream live requests (req, rsp, end events) of a resource. Headers and bodies are never shown."})
public final class TapCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @Mixin
    TapOptions tap;

    @Option(names = "--max", defaultValue = "0", description = "stop after this many events (default: never)")
    long max;

    @Option(names = "--duration", description = "stop after this long, e.g. 30s (default: never)")
    Duration duration;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        AtomicLong seen = new AtomicLong();
        api.exporter().tap(tap.query(spec.commandLine(), api.namespace), e -> {
            if (!tap.keeps(e)) {
                return true;
            }
            if (api.output == OutputFormat.json) {
                out.println(e.toString());
            } else {
                out.println(TapView.line(e, api.output == OutputFormat.wide));
            }
            out.flush();
            return max == 0 || seen.incrementAndGet() < max;
        }, duration);
        return 0;
    }
}
