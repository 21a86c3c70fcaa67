package io.meshlens.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import io.meshlens.cli.view.VersionView;
import io.meshlens.proxy.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code meshlens version [--proxy]}: this client's version and, with --proxy, the proxies' versions by pod count. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Client version; with --proxy, proxy versions and pod counts.")
public final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @Option(names = "--proxy", description = "also ask the exporter which proxy versions run, on how many pods")
    boolean proxy;

    @Override
    public Integer call() {
        VersionView.print(Version.VERSION, proxy ? api.exporter().get("version", Map.of()) : null, api.output,
                spec.commandLine().getOut());
        return 0;
    }
}
