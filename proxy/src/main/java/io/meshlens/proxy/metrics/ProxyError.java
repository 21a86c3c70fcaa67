package io.meshlens.proxy.metrics;

/** The contract's error taxonomy: the {@code error} label (empty when a response completed). */
public enum ProxyError {
    NONE(""),
    CONNECT_REFUSED("connect_refused"),
    CONNECT_TIMEOUT("connect_timeout"),
    DNS_FAILURE("dns_failure"),
    NO_ROUTE("no_route"),
    RESPONSE_TIMEOUT("response_timeout"),
    UPSTREAM_RESET("upstream_reset"),
    DOWNSTREAM_RESET("downstream_reset"),
    PROTOCOL_ERROR("protocol_error"),
    TLS_ERROR("tls_error"),
    OVERLOADED("overloaded"),
    /** The caller did not complete an HTTP/1 request head within the header-read timeout (408). */
    REQUEST_TIMEOUT("request_timeout"),
    INTERNAL("internal");

    private static final ProxyError[] VALUES = values();
    private final String label;

    ProxyError(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static ProxyError ofOrdinal(int i) {
        return VALUES[i];
    }
}
