package io.meshlens.cli.render;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A window as Prometheus writes it ({@code 30s}, {@code 5m}, {@code 1h30m}, {@code 7d}), in seconds. */
public final class PromDuration {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");

    private PromDuration() {}

    /** Seconds; -1 when {@code text} is not a duration. */
    public static double seconds(String text) {
        Matcher m = PART.matcher(text);
        double total = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total += n * switch (m.group(2)) {
                case "ms" -> 0.001;
                case "s" -> 1;
                case "m" -> 60;
                case "h" -> 3600;
                case "d" -> 86400;
                case "w" -> 7 * 86400;
                default -> 365 * 86400;
            };
            end = m.end();
        }
        return end == text.length() && end > 0 ? total : -1;
    }
}
