package io.meshlens.exporter.scrape;

import static java.util.Objects.requireNonNull;

/** A failed scrape: the reason (a metric label) and a message that names the target and the cause. */
public final class ScrapeException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ScrapeError reason;

    public ScrapeException(ScrapeError reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason");
    }

    public ScrapeError reason() {
        return reason;
    }
}
