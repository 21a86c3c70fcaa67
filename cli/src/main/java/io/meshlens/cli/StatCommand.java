package io.meshlens.cli;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshlens.cli.api.PrometheusApi;
import io.meshlens.cli.render.PromDuration;
import io.meshlens.cli.view.StatView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meshlens stat deploy [NAME]}: success rate, request rate, latency percentiles and TCP
 * connections of inbound traffic, from the exporter's live window (no Prometheus needed) or,
 * with {@code --prometheus}, from Prometheus for windows longer than the live ring.
 */
@Command(name = "stat", mixinStandardHelpOptions = true,
        description = "Golden signals (success rate, RPS, p50/p95/p99, TCP connections) per resource.")
public final class StatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @Parameters(index = "0", defaultValue = "deploy", paramLabel = "KIND[/NAME]",
            description = "deploy, sts, ds, job, cronjob, pod or ns, optionally with /NAME (default: ${DEFAULT-VALUE})")
    String kind;

    @Parameters(index = "1", defaultValue = "", paramLabel = "NAME", description = "one resource (default: all)")
    String name;

    @Option(names = {"-A", "--all-namespaces"}, description = "show the NAMESPACE column (implied without -n)")
    boolean allNamespaces;

    @Option(names = {"-t", "--time-window"}, defaultValue = "1m", description = "window (default: ${DEFAULT-VALUE})")
    String window;

    @Option(names = "--from", paramLabel = "KIND/NAME", description = "only traffic from this caller")
    String from;

    @Option(names = "--from-namespace", defaultValue = "", description = "namespace of --from (default: -n)")
    String fromNamespace;

    @Option(names = "--to", paramLabel = "KIND/NAME", description = "only traffic to this callee")
    String to;

    @Option(names = "--to-namespace", defaultValue = "", description = "namespace of --to (default: -n)")
    String toNamespace;

    @Option(names = "--prometheus", paramLabel = "URL", description = "query this Prometheus instead of the exporter's live window")
    URI prometheus;

    @Override
    public Integer call() {
        if (PromDuration.seconds(window) <= 0) {
            throw new ParameterException(spec.commandLine(), "-t " + window + " (expected: a duration like 30s, 5m, 1h)");
        }
        String[] resource = Kinds.resource(spec.commandLine(), kind, name, false);
        String k = resource[0];
        String n = resource[1];
        String[] fromRef = from == null ? null : Kinds.ref(spec.commandLine(), "--from", from);
        String[] toRef = to == null ? null : Kinds.ref(spec.commandLine(), "--to", to);
        JsonNode stat;
        if (prometheus != null) {
            stat = new PrometheusStat(new PrometheusApi(prometheus), window)
                    .query(k, n, api.namespace, fromRef, fromNs(), toRef, toNs());
        } else {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("resource", k);
            q.put("namespace", api.namespace);
            q.put("name", n);
            q.put("window", window);
            if (fromRef != null) {
                q.put("from", fromRef[0] + "/" + fromRef[1]);
                q.put("from_namespace", fromNs());
            }
            if (toRef != null) {
                q.put("to", toRef[0] + "/" + toRef[1]);
                q.put("to_namespace", toNs());
            }
            stat = api.exporter().get("stat", q);
        }
        StatView.print(stat, api.output, allNamespaces || api.namespace.isEmpty(), spec.commandLine().getOut());
        return 0;
    }

    private String fromNs() {
        return fromNamespace.isEmpty() ? api.namespace : fromNamespace;
    }

    private String toNs() {
        return toNamespace.isEmpty() ? api.namespace : toNamespace;
    }
}
