package io.meshlens.proxy.metrics;

/** The {@code protocol} label; gRPC is HTTP/2 with {@code content-type: application/grpc*}. */
public enum Protocol {
    HTTP1("http1"), HTTP2("http2"), GRPC("grpc");

    private final String label;

    Protocol(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
