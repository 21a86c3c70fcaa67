package io.meshlens.cli;

import io.meshlens.exporter.api.ResourceKind;
import picocli.CommandLine.ParameterException;

/**
 * Resource kinds and references as users type them, through the exporter API's own alias table
 * (one list for both). Every command takes a resource the same two ways: {@code deploy web} and
 * {@code deploy/web}.
 */
final class Kinds {
    private static final String EXPECTED = "deploy, sts, ds, rs, job, cronjob, pod or ns";

    private Kinds() {}

    /** {@code deploy} -> {@code deployment}; a clear usage error for anything else. */
    static String canonical(picocli.CommandLine cmd, String typed) {
        return ResourceKind.lookup(typed).map(ResourceKind::kind).orElseThrow(() -> new ParameterException(cmd,
                "unknown resource kind '" + typed + "' (expected: " + EXPECTED + "; a resource as KIND/NAME or KIND NAME, e.g. deploy/web)"));
    }

    /**
     * {@code deploy/web} or {@code deploy} + {@code web} -> {kind, name}; the name is empty when
     * none was given and {@code nameRequired} is false (or the kind is a namespace).
     */
    static String[] resource(picocli.CommandLine cmd, String typed, String name, boolean nameRequired) {
        String n = name == null ? "" : name;
        String kind;
        int slash = typed.indexOf('/');
        if (slash >= 0) {
            if (slash == 0 || slash == typed.length() - 1) {
                throw new ParameterException(cmd, "resource '" + typed + "' (expected: KIND/NAME or KIND NAME, e.g. deploy/web)");
            }
            if (!n.isEmpty()) {
                throw new ParameterException(cmd, "resource '" + typed + " " + n
                        + "' names the resource twice (expected: KIND/NAME or KIND NAME, e.g. deploy/web or deploy web)");
            }
            kind = canonical(cmd, typed.substring(0, slash));
            n = typed.substring(slash + 1);
        } else {
            kind = canonical(cmd, typed);
        }
        if (nameRequired && n.isEmpty() && !kind.equals("namespace")) {
            throw new ParameterException(cmd, "resource '" + typed + "' has no name (expected: KIND/NAME or KIND NAME, e.g. "
                    + typed + "/web)");
        }
        return new String[] {kind, n};
    }

    /** {@code --from deploy/web} -> {kind, name}. */
    static String[] ref(picocli.CommandLine cmd, String option, String typed) {
        int slash = typed.indexOf('/');
        if (slash <= 0 || slash == typed.length() - 1) {
            throw new ParameterException(cmd, option + " " + typed + " (expected: KIND/NAME, e.g. deploy/web)");
        }
        return new String[] {canonical(cmd, typed.substring(0, slash)), typed.substring(slash + 1)};
    }
}
