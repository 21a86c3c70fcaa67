package io.meshlens.proxy;

import java.util.Locale;

/**
 * Every configuration key, defined once: the environment name, the YAML name (the same key in
 * lower-case dotted form), the default and what it means. {@code docs/proxy.md} lists these.
 */
public enum ConfigKey {
    CONFIG("", "optional YAML config file; environment variables override its keys"),
    INBOUND("0.0.0.0:4143=127.0.0.1:8080", "inbound port map listen=target[,listen=target...]; empty disables inbound"),
    OUTBOUND("127.0.0.1:4140", "outbound listen address; empty disables outbound"),
    ADMIN("0.0.0.0:4191", "admin listen address (/metrics /ready /live /tap /shutdown)"),
    NAMESPACE("", "namespace for meshlens_proxy_info (downward API)"),
    POD("", "pod name for meshlens_proxy_info (downward API)"),
    WORKLOAD("", "workload name for meshlens_proxy_info"),
    NAMES("", "static outbound name map name[:port]=ip:port,...; consulted before DNS"),
    ROUTES("", "route table YAML file (method + path pattern -> route name)"),
    SOURCE_ADDRESS("", "local IP the proxy binds its upstream connections to (the pod IP); empty = any"),
    TRANSPARENT("false", "use OriginalDestination (iptables interception) for targets"),
    CONNECT_TIMEOUT("1s", "upstream connect timeout (error connect_timeout)"),
    RESPONSE_TIMEOUT("10s", "request fully sent -> response headers timeout (error response_timeout, 504)"),
    DETECT_TIMEOUT("1s", "how long protocol detection waits for a client's first bytes before treating it as opaque TCP"),
    DRAIN_TIMEOUT("10s", "on SIGTERM or /shutdown: how long in-flight requests may finish"),
    H2C_UPGRADE("false", "accept HTTP/1.1 'Upgrade: h2c' (then talk HTTP/2 to the target); off: the upgrade is ignored and the exchange stays HTTP/1.1"),
    IDLE_TIMEOUT("60s", "idle pooled upstream connections and idle client connections are closed after this"),
    MAX_CONCURRENT_REQUESTS("10000", "in-flight requests above this are shed with 503 (error overloaded)"),
    MAX_INITIAL_LINE_LENGTH("4096", "HTTP/1 request/status line limit (longer: 414, protocol_error)"),
    MAX_HEADER_SIZE("8192", "HTTP/1 header block / HTTP/2 header list limit (larger: 431, protocol_error)"),
    H2_MAX_CONCURRENT_STREAMS("100", "HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS the proxy offers each caller connection"),
    LABEL_LIMIT("512", "distinct values per peer/authority/route label before 'overflow'"),
    GRPC_FAILURE_CODES("UNKNOWN,DEADLINE_EXCEEDED,INTERNAL,UNAVAILABLE,DATA_LOSS", "gRPC codes classified as failure"),
    TAP_TOKEN("", "bearer token required by /tap from non-loopback callers (no token: loopback only)"),
    TAP_QUEUE_SIZE("1000", "per-subscriber tap event queue; events beyond it are dropped and counted"),
    TAP_MAX_SUBSCRIBERS("16", "concurrent /tap subscribers"),
    IO_THREADS("0", "data-path event loop threads; 0 = number of CPUs");

    private final String defaultValue;
    private final String doc;

    ConfigKey(String defaultValue, String doc) {
        this.defaultValue = defaultValue;
        this.doc = doc;
    }

    /** e.g. {@code MESHLENS_CONNECT_TIMEOUT}. */
    public String env() {
        return "MESHLENS_" + name();
    }

    /** e.g. {@code connect.timeout}. */
    public String yaml() {
        return name().toLowerCase(Locale.ROOT).replace('_', '.');
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }
}
