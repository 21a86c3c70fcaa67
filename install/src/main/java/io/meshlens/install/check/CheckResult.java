package io.meshlens.install.check;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One check: its group ({@code kubernetes-api}, {@code meshlens-install}, {@code meshlens-proxies}),
 * what it checks, the verdict, and every offending item (all of them, never only the first).
 */
public record CheckResult(String group, String description, Status status, List<String> details, String hint) {
    public enum Status { OK, WARN, FAIL }

    public CheckResult {
        requireNonNull(group, "group");
        requireNonNull(description, "description");
        requireNonNull(status, "status");
        details = List.copyOf(details);
        hint = hint == null ? "" : hint;
    }

    static CheckResult ok(String group, String description) {
        return new CheckResult(group, description, Status.OK, List.of(), "");
    }

    static CheckResult fail(String group, String description, List<String> details, String hint) {
        return new CheckResult(group, description, Status.FAIL, details, hint);
    }

    static CheckResult warn(String group, String description, List<String> details, String hint) {
        return new CheckResult(group, description, Status.WARN, details, hint);
    }
}
