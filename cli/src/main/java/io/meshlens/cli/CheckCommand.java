package io.meshlens.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.meshlens.install.check.CheckReport;
import io.meshlens.install.check.Checker;
import io.meshlens.proxy.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshlens check [--pre]}: is the cluster ready for meshlens, and is meshlens healthy
 * (exporter ready, every meshed pod's proxy up on the current version)? Exits 1 when a check
 * fails, listing every offending object.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check that meshlens can be installed (--pre), that it is installed and healthy, "
            + "or (--proxy) that every proxy the exporter sees is up, ready and current."})
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--pre", description = "run the pre-install checks (API reachable, RBAC can be granted, namespace free)")
    boolean pre;

    @Option(names = {"-n", "--meshlens-namespace"}, defaultValue = "meshlens", description = "namespace meshlens is installed in (default: ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--proxy", description = "check the data plane through the exporter (every proxy up, ready and current); works with the local demo")
    boolean proxy;

    @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:MESHLENS_API:-" + ApiOptions.DEFAULT_API + "}",
            description = "the exporter, for --proxy (default: $MESHLENS_API or ${DEFAULT-VALUE})")
    java.net.URI api;

    @Option(names = "--proxy-namespace", defaultValue = "", description = "with --proxy: only this namespace (default: all)")
    String proxyNamespace;

    @Option(names = "--context", description = "kubeconfig context (default: the current one)")
    String context;

    @Option(names = "--expected-version", description = "proxy version every meshed pod should run (default: this CLI's, ${DEFAULT-VALUE})")
    String expectedVersion = Version.VERSION;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json", description = "output format (default: ${DEFAULT-VALUE})")
    String output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!output.equals("table") && !output.equals("json")) {
            spec.commandLine().getErr().println("meshlens check: -o " + output + " (expected: table or json)");
            return 2;
        }
        if (proxy) {
            CheckReport report = ProxyCheck.run(new io.meshlens.cli.api.ExporterApi(api), proxyNamespace, expectedVersion);
            out.print(output.equals("json") ? report.json() : report.text());
            out.flush();
            return report.ok() ? 0 : 1;
        }
        var missing = KubeconfigLookup.missing();
        if (missing.isPresent()) {
            spec.commandLine().getErr().println("meshlens check: " + missing.get());
            return Meshlens.EXIT_FAILURE;
        }
        Config config = Config.autoConfigure(context);
        // A check should answer within seconds, not retry for a minute.
        config.setRequestRetryBackoffLimit(1);
        config.setConnectionTimeout(5_000);
        config.setRequestTimeout(10_000);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            Checker checker = new Checker(client, namespace, expectedVersion);
            CheckReport report = pre ? checker.preInstall() : checker.postInstall();
            out.print(output.equals("json") ? report.json() : report.text());
            out.flush();
            return report.ok() ? 0 : 1;
        }
    }
}
