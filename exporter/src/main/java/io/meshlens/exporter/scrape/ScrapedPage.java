package io.meshlens.exporter.scrape;

/**
 * One proxy's page as received: checked ({@link ProtobufPage#check}), but not decoded into
 * objects. Enrichment walks the bytes, and between cycles the bytes are all that is kept (for
 * serving a stale page when the next scrape fails).
 *
 * @param series series on the page (a histogram counts once)
 * @param version the proxy's {@code meshlens_proxy_info{version}}, {@code ""} when absent
 */
public record ScrapedPage(byte[] raw, int series, String version) {
    public static final ScrapedPage EMPTY = new ScrapedPage(new byte[0], 0, "");
}
