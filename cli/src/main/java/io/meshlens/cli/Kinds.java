package io.meshlens.cli;

import io.meshlens.exporter.api.ResourceKind;
import picocli.CommandLine.ParameterException;

/** Resource kinds as users type them, through the exporter API's own alias table (one list for both). */
final class Kinds {
    private Kinds() {}

    /** {@code deploy} -> {@code deployment}; a clear usage error for anything else. */
    static String canonical(picocli.CommandLine cmd, String typed) {
        return ResourceKind.lookup(typed).map(ResourceKind::kind).orElseThrow(() -> new ParameterException(cmd,
                "unknown resource kind '" + typed + "' (expected: deploy, sts, ds, rs, job, cronjob, pod or ns)"));
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
