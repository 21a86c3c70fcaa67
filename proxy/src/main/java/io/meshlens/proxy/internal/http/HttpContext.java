package io.meshlens.proxy.internal.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.meshlens.proxy.routes.RouteTable;
import io.meshlens.proxy.tap.Tap;

/**
 * What the HTTP paths of one proxy share: config, metrics, tap, name resolution, exchange ids,
 * the in-flight request limit and the drain state.
 */
public final class HttpContext {
    private final ProxyConfig config;
    private final ProxyMetrics metrics;
    private final Tap tap;
    private final NameResolver names;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    public HttpContext(ProxyConfig config, ProxyMetrics metrics, Tap tap) {
        this.config = config;
        this.metrics = metrics;
        this.tap = tap;
        this.names = new NameResolver(config.names(), metrics);
    }

    public ProxyConfig config() { return config; }
    public ProxyMetrics metrics() { return metrics; }
    public Tap tap() { return tap; }
    NameResolver names() { return names; }

    /** The next exchange id: unique within this proxy (the tap renders it with the pod name). */
    long nextExchangeId() {
        return ids.incrementAndGet();
    }

    /** Admits a request unless the proxy is over its concurrency limit. */
    boolean tryAcquireRequest() {
        if (inFlight.incrementAndGet() > config.maxConcurrentRequests()) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    void releaseRequest() {
        inFlight.decrementAndGet();
    }

    /** Requests currently being forwarded. */
    public int inFlight() {
        return inFlight.get();
    }

    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }

    /** A connection-level failure before any request could be parsed: counted as one failed request. */
    public void recordConnectionError(Listener listener, ConnectionInfo conn, Protocol protocol, ProxyError error, int status) {
        try {
            var edge = metrics.edge(listener.direction(), protocol, "", RouteTable.DEFAULT,
                    listener.inbound() ? conn.callerPeer() : "");
            edge.request();
            edge.response(status, -1, error, 0, 0, 0);
        } catch (RuntimeException e) {
            metrics.recordFailed(e);
        }
    }

    public void close() {
        names.close();
    }
}
