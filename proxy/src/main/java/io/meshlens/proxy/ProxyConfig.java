package io.meshlens.proxy;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import io.meshlens.proxy.interception.OriginalDestination;
import io.meshlens.proxy.interception.SoOriginalDestination;
import io.meshlens.proxy.routes.RouteTable;

/**
 * Immutable proxy configuration, validated once by {@link Builder#build()} (or
 * {@link #fromEnvironment(Map)}), so a proxy never starts half-configured.
 */
public final class ProxyConfig {
    /** gRPC status code names by number. */
    public static final List<String> GRPC_CODES = List.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
            "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
            "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
            "DATA_LOSS", "UNAUTHENTICATED");

    private final List<PortMapping> inbound;
    private final InetSocketAddress outbound;
    private final InetSocketAddress admin;
    private final String namespace;
    private final String pod;
    private final String workload;
    private final Map<String, InetSocketAddress> names;
    private final RouteTable routes;
    private final InetAddress sourceAddress;
    private final boolean transparent;
    private final boolean h2cUpgrade;
    private final OriginalDestination originalDestination;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final Duration detectTimeout;
    private final Duration drainTimeout;
    private final Duration idleTimeout;
    private final int maxConcurrentRequests;
    private final int maxInitialLineLength;
    private final int maxHeaderSize;
    private final int http2MaxConcurrentStreams;
    private final int labelLimit;
    private final boolean[] grpcFailureCodes;
    private final String tapToken;
    private final int tapQueueSize;
    private final int tapMaxSubscribers;
    private final int ioThreads;

    private ProxyConfig(Builder b) {
        inbound = List.copyOf(b.inbound);
        outbound = b.outbound;
        admin = b.admin;
        namespace = b.namespace;
        pod = b.pod;
        workload = b.workload;
        names = Collections.unmodifiableMap(new LinkedHashMap<>(b.names));
        routes = b.routes;
        sourceAddress = b.sourceAddress;
        transparent = b.transparent;
        h2cUpgrade = b.h2cUpgrade;
        originalDestination = b.originalDestination;
        connectTimeout = b.connectTimeout;
        responseTimeout = b.responseTimeout;
        detectTimeout = b.detectTimeout;
        drainTimeout = b.drainTimeout;
        idleTimeout = b.idleTimeout;
        maxConcurrentRequests = b.maxConcurrentRequests;
        maxInitialLineLength = b.maxInitialLineLength;
        maxHeaderSize = b.maxHeaderSize;
        http2MaxConcurrentStreams = b.http2MaxConcurrentStreams;
        labelLimit = b.labelLimit;
        grpcFailureCodes = new boolean[GRPC_CODES.size()];
        for (int code : b.grpcFailureCodes) {
            grpcFailureCodes[code] = true;
        }
        tapToken = b.tapToken;
        tapQueueSize = b.tapQueueSize;
        tapMaxSubscribers = b.tapMaxSubscribers;
        ioThreads = b.ioThreads;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads {@code MESHLENS_*} variables (and the YAML file named by {@code MESHLENS_CONFIG}); the
     * environment overrides the file.
     *
     * @throws ConfigException naming the key and the bad value
     */
    public static ProxyConfig fromEnvironment(Map<String, String> env) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        String file = env.get(ConfigKey.CONFIG.env());
        if (file != null && !file.isBlank()) {
            values.putAll(readYaml(Path.of(file.trim())));
        }
        for (ConfigKey k : ConfigKey.values()) {
            String v = env.get(k.env());
            if (v != null) {
                values.put(k, v);
            }
        }
        Builder b = builder();
        values.forEach((k, v) -> b.set(k, v));
        if (b.transparent) {
            // Behind the init container's iptables REDIRECT rules: the original destination comes
            // from SO_ORIGINAL_DST on each accepted socket (docs/install.md, interception).
            try {
                b.originalDestination(SoOriginalDestination.create());
            } catch (IllegalStateException e) {
                throw new ConfigException(ConfigKey.TRANSPARENT.env() + ": true (" + e.getMessage() + ")", e);
            }
        }
        return b.build();
    }

    /** Reads a YAML config file: flat dotted keys ({@code connect.timeout: 2s}) or nested maps. */
    static Map<ConfigKey, String> readYaml(Path file) {
        Object doc;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = new Load(LoadSettings.builder().setMaxAliasesForCollections(10).build()).loadFromReader(r);
        } catch (IOException e) {
            throw new ConfigException(ConfigKey.CONFIG.env() + ": " + file + " (cannot read: " + e.getMessage() + ')', e);
        } catch (RuntimeException e) {
            throw new ConfigException(ConfigKey.CONFIG.env() + ": " + file + " (invalid YAML: " + e.getMessage() + ')', e);
        }
        Map<ConfigKey, String> out = new EnumMap<>(ConfigKey.class);
        if (doc == null) {
            return out;
        }
        if (!(doc instanceof Map)) {
            throw new ConfigException(ConfigKey.CONFIG.env() + ": " + file + " (expected: a YAML mapping)");
        }
        flatten("", (Map<?, ?>) doc, out, file);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<ConfigKey, String> out, Path file) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map) {
                flatten(key + '.', (Map<?, ?>) v, out, file);
                continue;
            }
            ConfigKey k = null;
            for (ConfigKey c : ConfigKey.values()) {
                if (c.yaml().equals(key.toLowerCase(Locale.ROOT).replace('_', '.'))) {
                    k = c;
                }
            }
            if (k == null || k == ConfigKey.CONFIG) {
                throw new ConfigException(file + ": unknown key " + key);
            }
            if (v instanceof List) {
                List<String> parts = new ArrayList<>();
                for (Object o : (List<?>) v) {
                    parts.add(String.valueOf(o));
                }
                out.put(k, String.join(",", parts));
            } else {
                out.put(k, v == null ? "" : String.valueOf(v));
            }
        }
    }

    public List<PortMapping> inbound() { return inbound; }
    /** Outbound listen address, or {@code null} when outbound is disabled. */
    public InetSocketAddress outbound() { return outbound; }
    public InetSocketAddress admin() { return admin; }
    public String namespace() { return namespace; }
    public String pod() { return pod; }
    public String workload() { return workload; }
    public Map<String, InetSocketAddress> names() { return names; }
    public RouteTable routes() { return routes; }
    /** Local address for upstream connections, or {@code null} for any. */
    public InetAddress sourceAddress() { return sourceAddress; }
    public boolean transparent() { return transparent; }
    /**
     * Whether {@code Upgrade: h2c} is accepted. Off by default, as in Linkerd: the JDK HttpClient
     * asks for h2c on every bodyless {@code http://} request, and an HTTP/1.1-only app behind an
     * upgraded connection would then be spoken to in HTTP/2.
     */
    public boolean h2cUpgrade() { return h2cUpgrade; }
    public OriginalDestination originalDestination() { return originalDestination; }
    public Duration connectTimeout() { return connectTimeout; }
    public Duration responseTimeout() { return responseTimeout; }
    public Duration detectTimeout() { return detectTimeout; }
    public Duration drainTimeout() { return drainTimeout; }
    public Duration idleTimeout() { return idleTimeout; }
    public int maxConcurrentRequests() { return maxConcurrentRequests; }
    public int maxInitialLineLength() { return maxInitialLineLength; }
    public int maxHeaderSize() { return maxHeaderSize; }
    /** SETTINGS_MAX_CONCURRENT_STREAMS offered to each HTTP/2 caller connection. */
    public int http2MaxConcurrentStreams() { return http2MaxConcurrentStreams; }
    public int labelLimit() { return labelLimit; }
    public boolean isGrpcFailure(int code) { return code >= 0 && code < grpcFailureCodes.length && grpcFailureCodes[code]; }
    public String tapToken() { return tapToken; }
    public int tapQueueSize() { return tapQueueSize; }
    public int tapMaxSubscribers() { return tapMaxSubscribers; }
    public int ioThreads() { return ioThreads; }

    /** Builds a {@link ProxyConfig}; every setter validates its value at once. */
    public static final class Builder {
        private final List<PortMapping> inbound = new ArrayList<>();
        private InetSocketAddress outbound;
        private InetSocketAddress admin;
        private String namespace = "";
        private String pod = "";
        private String workload = "";
        private final Map<String, InetSocketAddress> names = new LinkedHashMap<>();
        private RouteTable routes = RouteTable.empty();
        private InetAddress sourceAddress;
        private boolean transparent;
        private boolean h2cUpgrade;
        private OriginalDestination originalDestination = OriginalDestination.NONE;
        private Duration connectTimeout;
        private Duration responseTimeout;
        private Duration detectTimeout;
        private Duration drainTimeout;
        private Duration idleTimeout;
        private int maxConcurrentRequests;
        private int maxInitialLineLength;
        private int maxHeaderSize;
        private int http2MaxConcurrentStreams;
        private int labelLimit;
        private final Set<Integer> grpcFailureCodes = new java.util.TreeSet<>();
        private String tapToken = "";
        private int tapQueueSize;
        private int tapMaxSubscribers;
        private int ioThreads;

        Builder() {
            for (ConfigKey k : ConfigKey.values()) {
                if (k != ConfigKey.CONFIG) {
                    set(k, k.defaultValue());
                }
            }
        }

        /** Sets one key from its textual form (as in the environment). */
        public Builder set(ConfigKey key, String value) {
            requireNonNull(key, "key");
            requireNonNull(value, "value");
            String v = value.trim();
            String n = key.env();
            switch (key) {
                case CONFIG: break;
                case INBOUND:
                    inbound.clear();
                    for (String part : splitList(v)) {
                        inbound.add(PortMapping.parse(n, part));
                    }
                    break;
                case OUTBOUND: outbound = v.isEmpty() ? null : HostPort.parseAddress(n, v, false); break;
                case ADMIN: admin = HostPort.parseAddress(n, v, false); break;
                case NAMESPACE: namespace = v; break;
                case POD: pod = v; break;
                case WORKLOAD: workload = v; break;
                case NAMES:
                    names.clear();
                    for (String part : splitList(v)) {
                        int eq = part.indexOf('=');
                        if (eq <= 0) {
                            throw new ConfigException(n + ": " + part + " (expected: name=ip:port)");
                        }
                        names.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                                  HostPort.parseAddress(n, part.substring(eq + 1).trim(), false));
                    }
                    break;
                case ROUTES: routes = v.isEmpty() ? RouteTable.empty() : RouteTable.load(n, Path.of(v)); break;
                case SOURCE_ADDRESS: sourceAddress = v.isEmpty() ? null : HostPort.parseIp(n, v); break;
                case TRANSPARENT: transparent = parseBoolean(n, v); break;
                case H2C_UPGRADE: h2cUpgrade = parseBoolean(n, v); break;
                case CONNECT_TIMEOUT: connectTimeout = parseDuration(n, v); break;
                case RESPONSE_TIMEOUT: responseTimeout = parseDuration(n, v); break;
                case DETECT_TIMEOUT: detectTimeout = parseDuration(n, v); break;
                case DRAIN_TIMEOUT: drainTimeout = parseDuration(n, v); break;
                case IDLE_TIMEOUT: idleTimeout = parseDuration(n, v); break;
                case MAX_CONCURRENT_REQUESTS: maxConcurrentRequests = parsePositive(n, v); break;
                case MAX_INITIAL_LINE_LENGTH: maxInitialLineLength = parsePositive(n, v); break;
                case MAX_HEADER_SIZE: maxHeaderSize = parsePositive(n, v); break;
                case H2_MAX_CONCURRENT_STREAMS: http2MaxConcurrentStreams = parsePositive(n, v); break;
                case LABEL_LIMIT: labelLimit = parsePositive(n, v); break;
                case GRPC_FAILURE_CODES:
                    grpcFailureCodes.clear();
                    for (String part : splitList(v)) {
                        int code = GRPC_CODES.indexOf(part.toUpperCase(Locale.ROOT));
                        if (code < 0) {
                            try {
                                code = Integer.parseInt(part);
                            } catch (NumberFormatException e) {
                                code = -1;
                            }
                        }
                        if (code < 0 || code >= GRPC_CODES.size()) {
                            throw new ConfigException(n + ": " + part + " (expected: a gRPC code name or number 0-16)");
                        }
                        grpcFailureCodes.add(code);
                    }
                    break;
                case TAP_TOKEN: tapToken = v; break;
                case TAP_QUEUE_SIZE: tapQueueSize = parsePositive(n, v); break;
                case TAP_MAX_SUBSCRIBERS: tapMaxSubscribers = parsePositive(n, v); break;
                case IO_THREADS:
                    ioThreads = parseInt(n, v);
                    if (ioThreads < 0) {
                        throw new ConfigException(n + ": " + v + " (expected: >= 0)");
                    }
                    break;
                default: throw new AssertionError(key);
            }
            return this;
        }

        public Builder inbound(PortMapping... mappings) {
            inbound.clear();
            inbound.addAll(List.of(mappings));
            return this;
        }

        public Builder outbound(InetSocketAddress listen) { outbound = listen; return this; }
        public Builder admin(InetSocketAddress listen) { admin = requireNonNull(listen, "listen"); return this; }
        public Builder name(String name, InetSocketAddress target) {
            names.put(requireNonNull(name, "name").toLowerCase(Locale.ROOT), requireNonNull(target, "target"));
            return this;
        }
        public Builder routes(RouteTable table) { routes = requireNonNull(table, "table"); return this; }
        public Builder sourceAddress(InetAddress address) { sourceAddress = address; return this; }
        public Builder transparent(boolean on) { transparent = on; return this; }
        public Builder h2cUpgrade(boolean on) { h2cUpgrade = on; return this; }
        public Builder originalDestination(OriginalDestination od) {
            originalDestination = requireNonNull(od, "originalDestination");
            return this;
        }
        public Builder connectTimeout(Duration d) { connectTimeout = positive("connectTimeout", d); return this; }
        public Builder responseTimeout(Duration d) { responseTimeout = positive("responseTimeout", d); return this; }
        public Builder detectTimeout(Duration d) { detectTimeout = positive("detectTimeout", d); return this; }
        public Builder drainTimeout(Duration d) { drainTimeout = positive("drainTimeout", d); return this; }
        public Builder idleTimeout(Duration d) { idleTimeout = positive("idleTimeout", d); return this; }
        public Builder maxConcurrentRequests(int v) { maxConcurrentRequests = positive("maxConcurrentRequests", v); return this; }
        public Builder maxHeaderSize(int v) { maxHeaderSize = positive("maxHeaderSize", v); return this; }
        public Builder http2MaxConcurrentStreams(int v) {
            http2MaxConcurrentStreams = positive("http2MaxConcurrentStreams", v);
            return this;
        }
        public Builder labelLimit(int v) { labelLimit = positive("labelLimit", v); return this; }
        public Builder tapToken(String token) { tapToken = requireNonNull(token, "token"); return this; }
        public Builder tapQueueSize(int v) { tapQueueSize = positive("tapQueueSize", v); return this; }
        public Builder identity(String ns, String podName, String workloadName) {
            namespace = requireNonNull(ns, "namespace");
            pod = requireNonNull(podName, "pod");
            workload = requireNonNull(workloadName, "workload");
            return this;
        }
        public Builder ioThreads(int v) {
            if (v < 0) {
                throw new ConfigException("ioThreads: " + v + " (expected: >= 0)");
            }
            ioThreads = v;
            return this;
        }

        public ProxyConfig build() {
            if (inbound.isEmpty() && outbound == null) {
                throw new ConfigException(ConfigKey.INBOUND.env() + ", " + ConfigKey.OUTBOUND.env()
                                          + ": both empty (expected: at least one listener)");
            }
            return new ProxyConfig(this);
        }

        private static List<String> splitList(String v) {
            List<String> out = new ArrayList<>();
            for (String s : v.split("[,\\s]+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
            return out;
        }

        private static boolean parseBoolean(String n, String v) {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "true": case "1": case "yes": case "on": return true;
                case "false": case "0": case "no": case "off": case "": return false;
                default: throw new ConfigException(n + ": " + v + " (expected: true or false)");
            }
        }

        private static int parseInt(String n, String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(n + ": " + v + " (expected: an integer)");
            }
        }

        private static int parsePositive(String n, String v) {
            int i = parseInt(n, v);
            if (i <= 0) {
                throw new ConfigException(n + ": " + v + " (expected: > 0)");
            }
            return i;
        }

        private static int positive(String n, int v) {
            if (v <= 0) {
                throw new ConfigException(n + ": " + v + " (expected: > 0)");
            }
            return v;
        }

        private static Duration positive(String n, Duration d) {
            requireNonNull(d, n);
            if (d.isNegative() || d.isZero()) {
                throw new ConfigException(n + ": " + d + " (expected: > 0)");
            }
            return d;
        }

        /** Parses {@code 250ms}, {@code 2s}, {@code 1m}, {@code 1h} or plain milliseconds. */
        static Duration parseDuration(String n, String v) {
            try {
                Duration d;
                if (v.endsWith("ms")) {
                    d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                } else if (v.endsWith("s")) {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                } else if (v.endsWith("m")) {
                    d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                } else if (v.endsWith("h")) {
                    d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
                } else {
                    d = Duration.ofMillis(Long.parseLong(v));
                }
                if (d.isNegative() || d.isZero()) {
                    throw new ConfigException(n + ": " + v + " (expected: > 0)");
                }
                return d;
            } catch (NumberFormatException e) {
                throw new ConfigException(n + ": " + v + " (expected: a duration like 500ms, 2s, 1m)");
            }
        }
    }

    static EnumSet<ConfigKey> keys() {
        return EnumSet.allOf(ConfigKey.class);
    }
}
