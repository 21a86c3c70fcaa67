package io.meshlens.exporter.enrich;

/** The metric types the exporter re-exposes. */
public enum FamilyType {
    COUNTER, GAUGE, HISTOGRAM, SUMMARY, INFO, UNKNOWN
}
