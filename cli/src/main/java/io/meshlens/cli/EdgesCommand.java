package io.meshlens.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.meshlens.cli.view.EdgesView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code meshlens edges}: caller -> callee pairs with request rate and success rate. */
@Command(name = "edges", mixinStandardHelpOptions = true, description = "Who calls whom: caller -> callee with RPS and success rate.")
public final class EdgesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @Option(names = {"-t", "--time-window"}, defaultValue = "1m", description = "window (default: ${DEFAULT-VALUE})")
    String window;

    @Override
    public Integer call() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("namespace", api.namespace);
        q.put("window", window);
        EdgesView.print(api.exporter().get("edges", q), api.output, spec.commandLine().getOut());
        return 0;
    }
}
