package io.meshlens.exporter.collect;

/** The exporter's own metric names (docs/metrics.md, "Exporter metrics"), defined once. */
public final class ExporterMetrics {
    public static final String TARGET_UP = "meshlens_exporter_target_up";
    public static final String SCRAPE_DURATION = "meshlens_exporter_scrape_duration_seconds";
    public static final String SCRAPE_ERRORS = "meshlens_exporter_scrape_errors";
    public static final String SERIES = "meshlens_exporter_series";
    public static final String INFORMER_EVENTS = "meshlens_exporter_informer_events";
    public static final String ANNOTATION_ERRORS = "meshlens_exporter_annotation_errors";
    public static final String WORKLOAD_PODS = "meshlens_workload_pods";
    public static final String SLO_OBJECTIVE = "meshlens_slo_objective";
    public static final String SLO_LATENCY_BOUND = "meshlens_slo_latency_bound_seconds";

    private ExporterMetrics() {}
}
