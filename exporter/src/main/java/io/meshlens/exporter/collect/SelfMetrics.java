package io.meshlens.exporter.collect;

import io.meshlens.exporter.scrape.ScrapeError;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The exporter's own meters: how scraping, discovery and annotations are going. */
public final class SelfMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final DistributionDataPoint scrapeDuration;
    private final Counter scrapeErrors;
    private final Gauge series;
    private final Counter informerEvents;
    private final Counter annotationErrors;

    public SelfMetrics() {
        scrapeDuration = Histogram.builder().name(ExporterMetrics.SCRAPE_DURATION)
                .help("Duration of one scrape of one proxy.")
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
                .classicOnly().withoutExemplars().register(registry).labelValues();
        scrapeErrors = Counter.builder().name(ExporterMetrics.SCRAPE_ERRORS).help("Failed proxy scrapes by reason.")
                .labelNames("reason").withoutExemplars().register(registry);
        for (ScrapeError e : ScrapeError.values()) {
            scrapeErrors.labelValues(e.label()); // every reason is visible at 0 from the start
        }
        series = Gauge.builder().name(ExporterMetrics.SERIES)
                .help("Series read from proxies (in) and written after enrichment (out) in the last cycle.")
                .labelNames("stage").withoutExemplars().register(registry);
        informerEvents = Counter.builder().name(ExporterMetrics.INFORMER_EVENTS).help("Kubernetes watch events.")
                .labelNames("resource", "event").withoutExemplars().register(registry);
        annotationErrors = Counter.builder().name(ExporterMetrics.ANNOTATION_ERRORS)
                .help("Malformed meshlens.io annotations on workloads (the default applies).")
                .labelNames("annotation").withoutExemplars().register(registry);
        JvmMetrics.builder().register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void scraped(double seconds) {
        scrapeDuration.observe(seconds);
    }

    public void scrapeFailed(ScrapeError reason) {
        scrapeErrors.labelValues(reason.label()).inc();
    }

    public void series(int in, int out) {
        series.labelValues("in").set(in);
        series.labelValues("out").set(out);
    }

    public void informerEvent(String resource, String event) {
        informerEvents.labelValues(resource, event).inc();
    }

    public void annotationError(String annotation) {
        annotationErrors.labelValues(annotation).inc();
    }
}
