package io.meshlens.exporter.slo;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a workload's SLO annotations into objectives, with the defaults where an annotation is
 * absent or malformed (a malformed one is reported to {@code errors} by annotation name, and the
 * default applies: a typo never leaves a workload without an SLO).
 *
 * <pre>
 * meshlens.io/slo-availability: "99.5"        # percent of non-failure inbound responses
 * meshlens.io/slo-latency:      "300ms 99"    # bound, then percent of responses at or under it
 * meshlens.io/slo-period:       "7d"          # 7d, 28d or 30d
 * </pre>
 */
public final class SloAnnotations {
    public static final String AVAILABILITY = "meshlens.io/slo-availability";
    public static final String LATENCY = "meshlens.io/slo-latency";
    public static final String PERIOD = "meshlens.io/slo-period";
    public static final List<String> PERIODS = List.of("7d", "28d", "30d");
    public static final String DEFAULT_PERIOD = "30d";
    public static final double DEFAULT_AVAILABILITY = 0.999;
    public static final double DEFAULT_LATENCY_BOUND = 0.5;
    public static final double DEFAULT_LATENCY_RATIO = 0.99;

    private static final Pattern PERCENT = Pattern.compile("\\s*(\\d{1,3}(?:\\.\\d+)?)\\s*%?\\s*");
    private static final Pattern LATENCY_SPEC = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s)\\s+(\\d{1,3}(?:\\.\\d+)?)\\s*%?\\s*");

    private final double[] bounds;

    /** @param bounds the proxy's finite latency bucket bounds, ascending */
    public SloAnnotations(double[] bounds) {
        this.bounds = bounds.clone();
    }

    public List<SloObjective> objectives(Map<String, String> annotations, Consumer<String> errors) {
        String period = annotations.getOrDefault(PERIOD, DEFAULT_PERIOD).trim();
        if (!PERIODS.contains(period)) {
            errors.accept(PERIOD);
            period = DEFAULT_PERIOD;
        }
        double availability = DEFAULT_AVAILABILITY;
        String a = annotations.get(AVAILABILITY);
        if (a != null) {
            Double v = percent(a);
            if (v == null) {
                errors.accept(AVAILABILITY);
            } else {
                availability = v;
            }
        }
        double bound = DEFAULT_LATENCY_BOUND;
        double latencyRatio = DEFAULT_LATENCY_RATIO;
        String l = annotations.get(LATENCY);
        if (l != null) {
            Matcher m = LATENCY_SPEC.matcher(l);
            Double ratio = m.matches() ? percent(m.group(3)) : null;
            double seconds = m.matches() ? Double.parseDouble(m.group(1)) / ("ms".equals(m.group(2)) ? 1000 : 1) : 0;
            if (ratio == null || snap(seconds) < 0) {
                errors.accept(LATENCY);
            } else {
                bound = seconds;
                latencyRatio = ratio;
            }
        }
        return List.of(new SloObjective(SloObjective.AVAILABILITY, availability, period, ""),
                new SloObjective(SloObjective.LATENCY, latencyRatio, period, le(bounds[snap(bound)])));
    }

    /** A percentage strictly between 0 and 100, as a ratio; {@code null} if it is not one. */
    private static Double percent(String s) {
        Matcher m = PERCENT.matcher(s);
        if (!m.matches()) {
            return null;
        }
        // decimal arithmetic: "99.9" must become 0.999, not 0.9990000000000001
        java.math.BigDecimal v = new java.math.BigDecimal(m.group(1));
        return v.signum() > 0 && v.compareTo(java.math.BigDecimal.valueOf(100)) < 0 ? v.movePointLeft(2).doubleValue() : null;
    }

    /**
     * The index of the largest bucket bound at or under {@code seconds}: the SLO is measured
     * against a bucket that exists, never interpolated; -1 below the smallest usable bound. The
     * smallest bucket (0.5 ms) is not offered: its {@code le} is written differently by the text
     * and protobuf formats ({@code 5.0E-4} / {@code 0.0005}), which would break the rules' join.
     */
    int snap(double seconds) {
        int best = -1;
        for (int i = 0; i < bounds.length; i++) {
            if (bounds[i] >= 0.001 && bounds[i] <= seconds + 1e-12) {
                best = i;
            }
        }
        return best;
    }

    /** The {@code le} label exactly as client_java writes it ({@code 0.25}, {@code 1.0}). */
    static String le(double bound) {
        return Double.toString(bound);
    }
}
