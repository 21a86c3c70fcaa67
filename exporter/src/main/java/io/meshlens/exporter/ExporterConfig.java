package io.meshlens.exporter;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Immutable exporter configuration, validated once by {@link Builder#build()} or
 * {@link #fromEnvironment(Map)} (keys in docs/exporter.md).
 */
public final class ExporterConfig {
    /** Every environment key, with its default and meaning (docs/exporter.md lists them). */
    public enum Key {
        LISTEN("0.0.0.0:9995", "address of /metrics, /ready, /live and /api/v1"),
        INVENTORY("", "static inventory YAML file; empty: discover pods with the Kubernetes API"),
        NODE_NAME("", "scrape only meshed pods on this node (DaemonSet mode); empty: every meshed pod"),
        SCRAPE_INTERVAL("5s", "how often every proxy is scraped"),
        SCRAPE_TIMEOUT("2s", "deadline for one scrape (connect, headers and body)"),
        SCRAPE_CONCURRENCY("64", "scrapes in flight at once"),
        MAX_PAGE_BYTES("16777216", "a proxy page larger than this marks the target down (too_large)"),
        MAX_SERIES_PER_TARGET("20000", "a proxy page with more series marks the target down (too_many_series)"),
        LIVE_RETENTION("5m", "how far back the live windows of /api/v1 reach"),
        TAP_TOKEN("", "bearer token sent to the proxies' /tap (their MESHLENS_TAP_TOKEN); also what a non-loopback caller of /api/v1/tap must present"),
        PEER_NAMESPACE("meshlens", "namespace of the peer exporters whose live windows /api/v1 merges (DaemonSet mode)"),
        PEER_SELECTOR("app.kubernetes.io/name=meshlens-exporter",
                "labels (k=v,...) of the peer exporter pods; empty: answer /api/v1 from this exporter's node alone"),
        PEER_TIMEOUT("2s", "deadline for one peer exporter's live window; a late peer is listed as missing");

        private final String defaultValue;
        private final String doc;

        Key(String defaultValue, String doc) {
            this.defaultValue = defaultValue;
            this.doc = doc;
        }

        public String env() {
            return "MESHLENS_EXPORTER_" + name();
        }

        public String defaultValue() {
            return defaultValue;
        }

        public String doc() {
            return doc;
        }
    }

    private final InetSocketAddress listen;
    private final Path inventory;
    private final KubernetesClient kubernetesClient;
    private final String nodeName;
    private final Duration scrapeInterval;
    private final Duration scrapeTimeout;
    private final int scrapeConcurrency;
    private final long maxPageBytes;
    private final int maxSeriesPerTarget;
    private final Duration liveRetention;
    private final String tapToken;
    private final String peerNamespace;
    private final Map<String, String> peerSelector;
    private final Duration peerTimeout;

    private ExporterConfig(Builder b) {
        listen = b.listen;
        inventory = b.inventory;
        kubernetesClient = b.kubernetesClient;
        nodeName = b.nodeName;
        scrapeInterval = b.scrapeInterval;
        scrapeTimeout = b.scrapeTimeout;
        scrapeConcurrency = b.scrapeConcurrency;
        maxPageBytes = b.maxPageBytes;
        maxSeriesPerTarget = b.maxSeriesPerTarget;
        liveRetention = b.liveRetention;
        tapToken = b.tapToken;
        peerNamespace = b.peerNamespace;
        peerSelector = b.peerSelector;
        peerTimeout = b.peerTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses {@code 500ms}, {@code 5s}, {@code 5m}.
     *
     * @throws ExporterConfigException naming {@code what} and the value
     */
    public static Duration parseDuration(String what, String value) {
        return Builder.duration(what, value.trim());
    }

    /** Reads the {@code MESHLENS_EXPORTER_*} variables; absent ones keep their defaults. */
    public static ExporterConfig fromEnvironment(Map<String, String> env) {
        Builder b = builder();
        for (Key k : Key.values()) {
            String v = env.get(k.env());
            if (v != null) {
                b.set(k, v);
            }
        }
        return b.build();
    }

    public InetSocketAddress listen() { return listen; }
    /** The static inventory file, or {@code null} in Kubernetes mode. */
    public Path inventory() { return inventory; }
    /** A client supplied by the embedder (tests), or {@code null} to build one from the environment. */
    public KubernetesClient kubernetesClient() { return kubernetesClient; }
    /** The node whose pods this exporter scrapes, {@code ""} for all. */
    public String nodeName() { return nodeName; }
    public Duration scrapeInterval() { return scrapeInterval; }
    public Duration scrapeTimeout() { return scrapeTimeout; }
    public int scrapeConcurrency() { return scrapeConcurrency; }
    public long maxPageBytes() { return maxPageBytes; }
    public int maxSeriesPerTarget() { return maxSeriesPerTarget; }
    public Duration liveRetention() { return liveRetention; }
    public String tapToken() { return tapToken; }
    public String peerNamespace() { return peerNamespace; }
    /** Labels of the peer exporter pods, empty when /api/v1 answers from this exporter alone. */
    public Map<String, String> peerSelector() { return peerSelector; }
    public Duration peerTimeout() { return peerTimeout; }

    /** Builds an {@link ExporterConfig}; every setter validates at once. */
    public static final class Builder {
        private InetSocketAddress listen;
        private Path inventory;
        private KubernetesClient kubernetesClient;
        private String nodeName = "";
        private Duration scrapeInterval;
        private Duration scrapeTimeout;
        private int scrapeConcurrency;
        private long maxPageBytes;
        private int maxSeriesPerTarget;
        private Duration liveRetention;
        private String tapToken = "";
        private String peerNamespace;
        private Map<String, String> peerSelector;
        private Duration peerTimeout;

        Builder() {
            for (Key k : Key.values()) {
                set(k, k.defaultValue());
            }
        }

        public Builder set(Key key, String value) {
            String v = requireNonNull(value, "value").trim();
            String n = requireNonNull(key, "key").env();
            switch (key) {
                case LISTEN: listen = address(n, v); break;
                case INVENTORY: inventory = v.isEmpty() ? null : Path.of(v); break;
                case NODE_NAME: nodeName = v; break;
                case SCRAPE_INTERVAL: scrapeInterval = duration(n, v); break;
                case SCRAPE_TIMEOUT: scrapeTimeout = duration(n, v); break;
                case SCRAPE_CONCURRENCY: scrapeConcurrency = (int) positive(n, v); break;
                case MAX_PAGE_BYTES: maxPageBytes = positive(n, v); break;
                case MAX_SERIES_PER_TARGET: maxSeriesPerTarget = (int) positive(n, v); break;
                case LIVE_RETENTION: liveRetention = duration(n, v); break;
                case TAP_TOKEN: tapToken = v; break;
                case PEER_NAMESPACE: peerNamespace = v; break;
                case PEER_SELECTOR: peerSelector = selector(n, v); break;
                case PEER_TIMEOUT: peerTimeout = duration(n, v); break;
                default: throw new AssertionError(key);
            }
            return this;
        }

        public Builder listen(InetSocketAddress a) { listen = requireNonNull(a, "listen"); return this; }
        public Builder inventory(Path p) { inventory = p; return this; }
        public Builder kubernetesClient(KubernetesClient c) { kubernetesClient = c; return this; }
        public Builder nodeName(String n) { nodeName = requireNonNull(n, "nodeName"); return this; }
        public Builder scrapeInterval(Duration d) { scrapeInterval = positive("scrapeInterval", d); return this; }
        public Builder scrapeTimeout(Duration d) { scrapeTimeout = positive("scrapeTimeout", d); return this; }
        public Builder maxPageBytes(long v) { maxPageBytes = positive("maxPageBytes", String.valueOf(v)); return this; }
        public Builder maxSeriesPerTarget(int v) { maxSeriesPerTarget = (int) positive("maxSeriesPerTarget", String.valueOf(v)); return this; }
        public Builder liveRetention(Duration d) { liveRetention = positive("liveRetention", d); return this; }
        public Builder tapToken(String t) { tapToken = requireNonNull(t, "tapToken"); return this; }
        public Builder peerNamespace(String n) { peerNamespace = requireNonNull(n, "peerNamespace"); return this; }
        public Builder peerSelector(Map<String, String> s) { peerSelector = Map.copyOf(s); return this; }
        public Builder peerTimeout(Duration d) { peerTimeout = positive("peerTimeout", d); return this; }

        public ExporterConfig build() {
            if (inventory != null && kubernetesClient != null) {
                throw new ExporterConfigException(Key.INVENTORY.env() + ": " + inventory
                        + " (expected: either a static inventory or a Kubernetes client, not both)");
            }
            if (scrapeTimeout.compareTo(scrapeInterval) > 0) {
                throw new ExporterConfigException(Key.SCRAPE_TIMEOUT.env() + ": " + scrapeTimeout.toMillis() + "ms (expected: <= "
                        + Key.SCRAPE_INTERVAL.env() + ", " + scrapeInterval.toMillis() + "ms)");
            }
            return new ExporterConfig(this);
        }

        private static Duration positive(String n, Duration d) {
            requireNonNull(d, n);
            if (d.isZero() || d.isNegative()) {
                throw new ExporterConfigException(n + ": " + d + " (expected: > 0)");
            }
            return d;
        }

        private static long positive(String n, String v) {
            try {
                long l = Long.parseLong(v);
                if (l <= 0) {
                    throw new ExporterConfigException(n + ": " + v + " (expected: > 0)");
                }
                return l;
            } catch (NumberFormatException e) {
                throw new ExporterConfigException(n + ": " + v + " (expected: a positive integer)");
            }
        }

        static Duration duration(String n, String v) {
            String s = v.toLowerCase(Locale.ROOT);
            try {
                Duration d;
                if (s.endsWith("ms")) {
                    d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
                } else if (s.endsWith("s")) {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
                } else if (s.endsWith("m")) {
                    d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
                } else {
                    throw new NumberFormatException();
                }
                return positive(n, d);
            } catch (NumberFormatException e) {
                throw new ExporterConfigException(n + ": " + v + " (expected: a duration like 500ms, 5s, 5m)");
            }
        }

        /** {@code k=v,k2=v2}: the equality-based label selector of kubectl's {@code -l}. */
        private static Map<String, String> selector(String n, String v) {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            if (v.isEmpty()) {
                return Map.of();
            }
            for (String term : v.split(",")) {
                int eq = term.indexOf('=');
                String key = eq < 0 ? "" : term.substring(0, eq).trim();
                String value = eq < 0 ? "" : term.substring(eq + 1).trim();
                if (key.isEmpty() || value.startsWith("=") || key.endsWith("!")) {
                    throw new ExporterConfigException(n + ": '" + term.trim() + "' in '" + v
                            + "' (expected: labels like app.kubernetes.io/name=meshlens-exporter, comma-separated)");
                }
                out.put(key, value);
            }
            return Map.copyOf(out);
        }

        private static InetSocketAddress address(String n, String v) {
            int colon = v.lastIndexOf(':');
            if (colon <= 0) {
                throw new ExporterConfigException(n + ": " + v + " (expected: host:port)");
            }
            String host = v.substring(0, colon).replace("[", "").replace("]", "");
            try {
                int port = Integer.parseInt(v.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (NumberFormatException e) {
                throw new ExporterConfigException(n + ": " + v + " (expected: a port 0-65535)");
            } catch (UnknownHostException e) {
                throw new ExporterConfigException(n + ": " + v + " (unknown host " + host + ")");
            }
        }
    }
}
