package io.meshlens.proxy.internal;

import java.util.concurrent.atomic.AtomicInteger;

import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.meshlens.proxy.tap.Tap;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;

/** What every handler of one proxy shares: config, metrics, upstream clients, drain state. */
public final class ProxyContext {
    /** Why a connection closed, read by {@link TcpMetricsHandler} when it closes. */
    static final AttributeKey<ProxyError> CLOSE_ERROR = AttributeKey.valueOf("meshlens.closeError");

    final ProxyConfig config;
    final ProxyMetrics metrics;
    final NameResolver resolver;
    final Upstreams upstreams;
    /** Upstream connections of the frame-level HTTP/2 path. */
    final H2UpstreamPool h2Upstreams;
    final Tap tap;
    final ConnectionLimit connections;
    final ChannelGroup accepted = new DefaultChannelGroup("meshlens-accepted", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight = new AtomicInteger();
    volatile boolean draining;

    public ProxyContext(ProxyConfig config, ProxyMetrics metrics, Tap tap) {
        this.config = config;
        this.metrics = metrics;
        this.tap = tap;
        this.resolver = new NameResolver(config.names(), metrics);
        this.upstreams = new Upstreams(this);
        this.connections = new ConnectionLimit(config.maxConnections(), metrics);
        this.h2Upstreams = new H2UpstreamPool(this);
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

    public ProxyMetrics metricsView() {
        return metrics;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public ChannelGroup acceptedChannels() {
        return accepted;
    }

    /** Starts draining: HTTP/1 connections close when idle, HTTP/2 connections get GOAWAY. */
    public void startDraining() {
        draining = true;
        for (Channel ch : accepted) {
            ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
        }
    }

    public void close() {
        resolver.close();
    }

    static void markCloseError(Channel ch, ProxyError error) {
        Channel c = ch.parent() != null && !(ch.parent() instanceof io.netty.channel.ServerChannel) ? ch.parent() : ch;
        c.attr(CLOSE_ERROR).compareAndSet(null, error);
    }

    /** Fired on accepted connections when the proxy starts draining. */
    enum DrainEvent { INSTANCE }
}
