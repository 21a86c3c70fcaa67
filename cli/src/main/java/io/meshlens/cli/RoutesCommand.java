package io.meshlens.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.meshlens.cli.view.RoutesView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code meshlens routes deploy/web}: golden signals per route (from the proxies' route tables). */
@Command(name = "routes", mixinStandardHelpOptions = true, description = "Golden signals per route of one resource.")
public final class RoutesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @Parameters(index = "0", paramLabel = "KIND[/NAME]", description = "e.g. deploy/voting or deploy voting")
    String resource;

    @Parameters(index = "1", defaultValue = "", paramLabel = "NAME", description = "the name, when not given as KIND/NAME")
    String name;

    @Option(names = {"-t", "--time-window"}, defaultValue = "1m", description = "window (default: ${DEFAULT-VALUE})")
    String window;

    @Override
    public Integer call() {
        String[] ref = Kinds.resource(spec.commandLine(), resource, name, true);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("namespace", api.namespace);
        q.put("resource", ref[0]);
        q.put("name", ref[1]);
        q.put("window", window);
        RoutesView.print(api.exporter().get("routes", q), api.output, spec.commandLine().getOut());
        return 0;
    }
}
