package io.meshlens.install.inject;

/** What happened to one resource, for the stderr summary. */
public record Outcome(String resource, Kind kind, String reason) {
    public enum Kind { INJECTED, UNCHANGED, SKIPPED, NOT_A_WORKLOAD }

    static Outcome injected(String resource) { return new Outcome(resource, Kind.INJECTED, ""); }
    static Outcome unchanged(String resource) { return new Outcome(resource, Kind.UNCHANGED, "already injected"); }
    static Outcome skipped(String resource, String reason) { return new Outcome(resource, Kind.SKIPPED, reason); }
    static Outcome notAWorkload(String resource) { return new Outcome(resource, Kind.NOT_A_WORKLOAD, ""); }

    /** One line like Linkerd's: {@code deployment/web injected}. */
    public String line() {
        switch (kind) {
            case INJECTED: return resource + " injected";
            case UNCHANGED: return resource + " unchanged (already injected)";
            case SKIPPED: return resource + " skipped: " + reason;
            default: return resource + " passed through (not a workload)";
        }
    }
}
