package io.meshlens.cli.render;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/** How numbers look in tables, the way {@code linkerd viz stat} prints them. */
public final class Cells {
    private Cells() {}

    /** {@code 87.30%}; {@code -} when there was no traffic. */
    public static String percent(JsonNode ratio) {
        return missing(ratio) ? "-" : String.format(Locale.ROOT, "%.2f%%", ratio.asDouble() * 100);
    }

    /** {@code 4.2rps}. */
    public static String rps(JsonNode v) {
        return missing(v) ? "-" : String.format(Locale.ROOT, "%.1frps", v.asDouble());
    }

    /** Seconds as milliseconds: {@code 3ms}, {@code 0.5ms} below one, {@code 1.2s} above 10 s. */
    public static String latency(JsonNode seconds) {
        if (missing(seconds)) {
            return "-";
        }
        double ms = seconds.asDouble() * 1000;
        if (ms >= 10_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000);
        }
        if (ms < 0.95) { // would round to "1.0ms" otherwise
            return String.format(Locale.ROOT, "%.1fms", ms);
        }
        return String.format(Locale.ROOT, "%.0fms", ms);
    }

    /** Bytes per second: {@code 1.2KB/s}. */
    public static String bytesPerSecond(JsonNode v) {
        if (missing(v)) {
            return "-";
        }
        double b = v.asDouble();
        if (b >= 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1fMB/s", b / 1024 / 1024);
        }
        if (b >= 1024) {
            return String.format(Locale.ROOT, "%.1fKB/s", b / 1024);
        }
        return String.format(Locale.ROOT, "%.0fB/s", b);
    }

    /**
     * A workload as {@code kind/name} from an API row's {@code <side>_kind} and
     * {@code <side>_workload} fields ({@code side} is {@code src} or {@code dst}); {@code unknown}
     * when the row names no workload.
     */
    public static String workload(JsonNode row, String side, String unknown) {
        String name = row.path(side + "_workload").asText();
        String kind = row.path(side + "_kind").asText();
        return name.isEmpty() ? unknown : kind.isEmpty() ? name : kind + "/" + name;
    }

    public static String integer(JsonNode v) {
        return missing(v) ? "-" : String.valueOf(v.asLong());
    }

    public static String text(JsonNode v) {
        return missing(v) || v.asText().isEmpty() ? "-" : v.asText();
    }

    private static boolean missing(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() || (v.isNumber() && Double.isNaN(v.asDouble()));
    }
}
