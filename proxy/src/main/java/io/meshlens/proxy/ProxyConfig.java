package io.meshlens.proxy;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.meshlens.proxy.interception.OriginalDestination;
import io.meshlens.proxy.metrics.GrpcStatus;
import io.meshlens.proxy.routes.RouteTable;

/**
 * Immutable proxy configuration, validated once by {@link Builder#build()}, so a proxy never
 * starts half-configured. {@link ConfigLoader} reads it from the environment and a YAML file.
 */
public final class ProxyConfig {
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
    private final Duration headerReadTimeout;
    private final int maxConnections;
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
        headerReadTimeout = b.headerReadTimeout;
        maxConnections = b.maxConnections;
        maxConcurrentRequests = b.maxConcurrentRequests;
        maxInitialLineLength = b.maxInitialLineLength;
        maxHeaderSize = b.maxHeaderSize;
        http2MaxConcurrentStreams = b.http2MaxConcurrentStreams;
        labelLimit = b.labelLimit;
        grpcFailureCodes = new boolean[GrpcStatus.NAMES.size()];
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
    /**
     * How long an HTTP/1 request head may take from its first byte to its last (slowloris).
     * 10s by default: a real client sends a head in one packet, well under a second even on a
     * slow mobile link, and the idle timeout (60s) would let a trickling client hold a
     * connection six times longer.
     */
    public Duration headerReadTimeout() { return headerReadTimeout; }
    /** Accepted data-path connections (all listeners, admin excluded) above which new ones are closed. */
    public int maxConnections() { return maxConnections; }
    public int maxConcurrentRequests() { return maxConcurrentRequests; }
    public int maxInitialLineLength() { return maxInitialLineLength; }
    public int maxHeaderSize() { return maxHeaderSize; }
    /**
     * SETTINGS_MAX_CONCURRENT_STREAMS announced to HTTP/2 callers. 100 by default, as nginx and
     * HAProxy do (and the RFC's recommended minimum): enough for any client's parallelism, while
     * a single connection cannot queue thousands of exchanges (each costs two stream channels).
     */
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
        private Duration headerReadTimeout;
        private int maxConnections;
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

        /** Sets one key from its textual form (as in the environment); see {@link ConfigLoader}. */
        public Builder set(ConfigKey key, String value) {
            ConfigLoader.apply(this, requireNonNull(key, "key"), requireNonNull(value, "value").trim());
            return this;
        }

        public Builder inbound(PortMapping... mappings) {
            inbound.clear();
            inbound.addAll(List.of(mappings));
            return this;
        }

        Builder inbound(List<PortMapping> mappings) {
            inbound.clear();
            inbound.addAll(mappings);
            return this;
        }

        public Builder outbound(InetSocketAddress listen) { outbound = listen; return this; }
        public Builder admin(InetSocketAddress listen) { admin = requireNonNull(listen, "listen"); return this; }
        Builder names(Map<String, InetSocketAddress> byName) {
            names.clear();
            byName.forEach(this::name);
            return this;
        }
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
        public Builder headerReadTimeout(Duration d) { headerReadTimeout = positive("headerReadTimeout", d); return this; }
        public Builder maxConnections(int v) { maxConnections = positive("maxConnections", v); return this; }
        public Builder http2MaxConcurrentStreams(int v) {
            http2MaxConcurrentStreams = positive("http2MaxConcurrentStreams", v);
            return this;
        }
        public Builder maxConcurrentRequests(int v) { maxConcurrentRequests = positive("maxConcurrentRequests", v); return this; }
        public Builder maxHeaderSize(int v) { maxHeaderSize = positive("maxHeaderSize", v); return this; }
        Builder maxInitialLineLength(int v) { maxInitialLineLength = positive("maxInitialLineLength", v); return this; }
        Builder grpcFailureCodes(Set<Integer> codes) {
            grpcFailureCodes.clear();
            grpcFailureCodes.addAll(codes);
            return this;
        }
        Builder tapMaxSubscribers(int v) { tapMaxSubscribers = positive("tapMaxSubscribers", v); return this; }
        Builder namespace(String v) { namespace = requireNonNull(v, "namespace"); return this; }
        Builder pod(String v) { pod = requireNonNull(v, "pod"); return this; }
        Builder workload(String v) { workload = requireNonNull(v, "workload"); return this; }
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
    }
}
