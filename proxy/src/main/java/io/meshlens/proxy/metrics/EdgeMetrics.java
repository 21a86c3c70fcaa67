package io.meshlens.proxy.metrics;

import java.util.concurrent.atomic.AtomicReferenceArray;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;

/**
 * The data points of one edge (direction, protocol, authority, route, peer), resolved once and
 * reused for every request on the edge. Response counters are resolved lazily per
 * (status, grpc status, error) into lock-free arrays, so recording never allocates after warm-up.
 */
public final class EdgeMetrics {
    private static final int ERRORS = ProxyError.values().length;
    private static final int GRPC = GrpcStatus.NAMES.size() + 1; // +1: no grpc-status
    private static final String[] STATUS_LABELS = new String[600];

    static {
        STATUS_LABELS[0] = "";
        for (int i = 1; i < STATUS_LABELS.length; i++) {
            STATUS_LABELS[i] = Integer.toString(i);
        }
    }

    private final ProxyMetrics owner;
    private final String[] labels; // direction, protocol, authority, route, peer
    private final CounterDataPoint requests;
    private final CounterDataPoint requestBytes;
    private final CounterDataPoint responseBytes;
    private final LatencyHistogram latencySuccess;
    private final LatencyHistogram latencyFailure;
    private final AtomicReferenceArray<AtomicReferenceArray<CounterDataPoint>> responses =
            new AtomicReferenceArray<>(STATUS_LABELS.length);

    EdgeMetrics(ProxyMetrics owner, String... labels) {
        this.owner = owner;
        this.labels = labels;
        requests = owner.requests.labelValues(labels);
        requestBytes = owner.requestBytes.labelValues(labels);
        responseBytes = owner.responseBytes.labelValues(labels);
        latencySuccess = owner.latency.histogram(labels[0], labels[1], labels[2], labels[3], labels[4], "success");
        latencyFailure = owner.latency.histogram(labels[0], labels[1], labels[2], labels[3], labels[4], "failure");
    }

    /** Counts a request whose headers arrived. */
    public void request() {
        requests.inc();
    }

    /**
     * Whether the outcome is a failure per the contract's classification. A gRPC call the caller
     * ended carries a synthesized status (CANCELLED, DEADLINE_EXCEEDED) and is classified by it
     * like any other code, although its error stays {@code downstream_reset}.
     */
    public boolean isFailure(int status, int grpcStatus, ProxyError error) {
        if (error == ProxyError.DOWNSTREAM_RESET && grpcStatus >= 0) {
            return owner.config.isGrpcFailure(grpcStatus);
        }
        return error != ProxyError.NONE || status >= 500 || owner.config.isGrpcFailure(grpcStatus);
    }

    /**
     * Records one finished exchange.
     *
     * @param status HTTP status sent to the caller, 0 if none was sent
     * @param grpcStatus final grpc-status, -1 if none
     * @param latencyNanos request headers in to response headers out (or to the failure)
     */
    public void response(int status, int grpcStatus, ProxyError error, long latencyNanos,
                         long reqBytes, long rspBytes) {
        response(status, grpcStatus, error, latencyNanos, reqBytes, rspBytes, null);
    }

    /**
     * Records one finished exchange whose request carried a trace id (null: none), kept as the
     * exemplar of its latency observation.
     */
    public void response(int status, int grpcStatus, ProxyError error, long latencyNanos,
                         long reqBytes, long rspBytes, String traceId) {
        boolean failure = isFailure(status, grpcStatus, error);
        int s = status < 0 || status >= STATUS_LABELS.length ? 0 : status;
        int g = grpcStatus < 0 || grpcStatus >= GRPC - 1 ? 0 : grpcStatus + 1;
        AtomicReferenceArray<CounterDataPoint> byStatus = responses.get(s);
        if (byStatus == null) {
            responses.compareAndSet(s, null, new AtomicReferenceArray<>(GRPC * ERRORS));
            byStatus = responses.get(s);
        }
        int idx = g * ERRORS + error.ordinal();
        CounterDataPoint dp = byStatus.get(idx);
        if (dp == null) {
            dp = owner.responses.labelValues(labels[0], labels[1], labels[2], labels[3], labels[4],
                    STATUS_LABELS[s], g == 0 ? "" : GrpcStatus.name(g - 1),
                    failure ? "failure" : "success", error.label());
            byStatus.set(idx, dp);
        }
        dp.inc();
        (failure ? latencyFailure : latencySuccess).observe(latencyNanos, traceId);
        if (reqBytes > 0) {
            requestBytes.inc(reqBytes);
        }
        if (rspBytes > 0) {
            responseBytes.inc(rspBytes);
        }
    }

    public String authority() {
        return labels[2];
    }

    public String route() {
        return labels[3];
    }

    public String peer() {
        return labels[4];
    }
}
