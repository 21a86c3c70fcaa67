package io.meshlens.cli.view;

import java.io.PrintWriter;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshlens.cli.render.PromDuration;

/**
 * The lines under a table that say how much of what was asked for the answer holds: when the
 * data covers less of the window (a demo started a minute ago, {@code -t 5m}), rates are over the
 * part that had data and the reader should know how long that was; when a peer exporter did not
 * answer, the numbers lack its node's pods and the reader should know which node.
 */
final class CompletenessNote {
    /** Less than this share of the window covered is worth a note (scrapes are not perfectly aligned). */
    private static final double COVERED = 0.9;

    private CompletenessNote() {}

    /** "in the last 1m", for "No traffic in the last 1m." */
    static String window(JsonNode answer) {
        String w = answer.path("window").asText();
        return w.isEmpty() ? "in the window" : "in the last " + w;
    }

    static void print(JsonNode answer, PrintWriter out) {
        printWindow(answer, out);
        printMissingExporters(answer, out);
        out.flush();
    }

    /** One line per node whose exporter did not answer (or that has meshed pods and no exporter). */
    private static void printMissingExporters(JsonNode answer, PrintWriter out) {
        JsonNode missing = answer.path("missing");
        if (!answer.path("partial").asBoolean() || !missing.isArray() || missing.isEmpty()) {
            return;
        }
        int merged = answer.path("exporters").asInt();
        out.println(String.format(Locale.ROOT, "Partial answer: %d of %d exporters answered; the pods of these nodes are missing:",
                merged, merged + missing.size()));
        for (JsonNode m : missing) {
            String exporter = m.path("exporter").asText();
            out.println("  node " + m.path("node").asText("?") + ": "
                        + (exporter.isEmpty() ? "no exporter runs there" : exporter + ": " + m.path("error").asText("no answer")));
        }
    }

    private static void printWindow(JsonNode answer, PrintWriter out) {
        String w = answer.path("window").asText();
        JsonNode covered = answer.get("window_seconds");
        if (w.isEmpty() || covered == null || !covered.isNumber()) {
            return;
        }
        double requested = PromDuration.seconds(w);
        double seconds = covered.asDouble();
        if (seconds <= 0) {
            out.println("No data yet in the " + w + " window.");
        } else if (seconds < requested * COVERED) {
            String s = String.format(Locale.ROOT, "%.0fs", seconds);
            out.println("Only " + s + " of the " + w + " window had data; rates are over those " + s + ".");
        }
    }
}
