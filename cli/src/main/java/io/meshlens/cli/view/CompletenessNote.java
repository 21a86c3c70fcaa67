package io.meshlens.cli.view;

import java.io.PrintWriter;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshlens.cli.render.PromDuration;

/**
 * The line under a table that says when the data covers less of the window than was asked for
 * (a demo started a minute ago, {@code -t 5m}): rates are then over the part that had data, and
 * the reader should know how long that was.
 */
final class WindowNote {
    /** Less than this share of the window covered is worth a note (scrapes are not perfectly aligned). */
    private static final double COVERED = 0.9;

    private WindowNote() {}

    /** "in the last 1m", for "No traffic in the last 1m." */
    static String window(JsonNode answer) {
        String w = answer.path("window").asText();
        return w.isEmpty() ? "in the window" : "in the last " + w;
    }

    static void print(JsonNode answer, PrintWriter out) {
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
        out.flush();
    }
}
