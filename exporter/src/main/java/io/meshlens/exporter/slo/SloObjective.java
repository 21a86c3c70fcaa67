package io.meshlens.exporter.slo;

/**
 * One objective of one workload: {@code sli} is {@code availability} or {@code latency},
 * {@code ratio} the objective ({@code 0.999}), {@code period} the rolling window ({@code 30d}),
 * {@code le} the latency bucket bound the SLI counts under ({@code ""} for availability).
 */
public record SloObjective(String sli, double ratio, String period, String le) {
    public static final String AVAILABILITY = "availability";
    public static final String LATENCY = "latency";
}
