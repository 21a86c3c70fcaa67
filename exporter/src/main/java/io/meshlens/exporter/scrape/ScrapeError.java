package io.meshlens.exporter.scrape;

import java.util.Locale;

/** Why a scrape failed: the {@code reason} label of {@code meshlens_exporter_scrape_errors_total}. */
public enum ScrapeError {
    TIMEOUT, CONNECT, HTTP_STATUS, TOO_LARGE, TOO_MANY_SERIES, PARSE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
