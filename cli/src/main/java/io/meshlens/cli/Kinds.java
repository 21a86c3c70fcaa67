package io.meshlens.cli;

import java.util.Locale;
import java.util.Map;

import picocli.CommandLine.ParameterException;

/** Resource kinds as users type them ({@code deploy}, {@code sts}, {@code po}...) and as labels spell them. */
final class Kinds {
    private static final Map<String, String> CANONICAL = Map.ofEntries(
            Map.entry("deploy", "deployment"), Map.entry("deployment", "deployment"), Map.entry("deployments", "deployment"),
            Map.entry("sts", "statefulset"), Map.entry("statefulset", "statefulset"), Map.entry("statefulsets", "statefulset"),
            Map.entry("ds", "daemonset"), Map.entry("daemonset", "daemonset"), Map.entry("daemonsets", "daemonset"),
            Map.entry("job", "job"), Map.entry("jobs", "job"),
            Map.entry("cj", "cronjob"), Map.entry("cronjob", "cronjob"), Map.entry("cronjobs", "cronjob"),
            Map.entry("po", "pod"), Map.entry("pod", "pod"), Map.entry("pods", "pod"),
            Map.entry("ns", "namespace"), Map.entry("namespace", "namespace"), Map.entry("namespaces", "namespace"));

    private Kinds() {}

    /** {@code deploy} -> {@code deployment}; a clear usage error for anything else. */
    static String canonical(picocli.CommandLine cmd, String typed) {
        String k = CANONICAL.get(typed.toLowerCase(Locale.ROOT));
        if (k == null) {
            throw new ParameterException(cmd, "unknown resource kind '" + typed
                    + "' (expected: deploy, sts, ds, job, cronjob, pod or ns)");
        }
        return k;
    }

    /** {@code deploy/web} -> {kind, name}. */
    static String[] ref(picocli.CommandLine cmd, String option, String typed) {
        int slash = typed.indexOf('/');
        if (slash <= 0 || slash == typed.length() - 1) {
            throw new ParameterException(cmd, option + " " + typed + " (expected: KIND/NAME, e.g. deploy/web)");
        }
        return new String[] {canonical(cmd, typed.substring(0, slash)), typed.substring(slash + 1)};
    }
}
