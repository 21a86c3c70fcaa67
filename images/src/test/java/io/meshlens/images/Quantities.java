package io.meshlens.images;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes memory quantities ({@code 64Mi}, {@code 1Gi}, {@code 500M}, {@code 1048576}) in bytes. */
final class Quantities {
    private static final Pattern QUANTITY = Pattern.compile("(\\d+)(Ki|Mi|Gi|k|M|G)?");
    private static final Map<String, Long> UNITS = Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30,
            "k", 1_000L, "M", 1_000_000L, "G", 1_000_000_000L);

    private Quantities() {}

    static long bytes(String quantity) {
        Matcher m = QUANTITY.matcher(quantity.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("memory quantity: " + quantity
                    + " (expected: an integer with an optional Ki, Mi, Gi, k, M or G suffix, for example 64Mi)");
        }
        return Long.parseLong(m.group(1)) * (m.group(2) == null ? 1 : UNITS.get(m.group(2)));
    }
}
