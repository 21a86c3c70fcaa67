package io.meshlens.proxy.internal.server;

import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.internal.conn.DrainEvent;
import io.meshlens.proxy.internal.conn.Upstreams;
import io.meshlens.proxy.internal.http.HttpContext;
import io.meshlens.proxy.internal.http1.Http1UpstreamPool;
import io.meshlens.proxy.internal.http2.H2UpstreamPool;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.meshlens.proxy.tap.Tap;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Everything one proxy's listeners share: the HTTP core, the upstream pools of each protocol, the
 * connection limit and the accepted connections (for draining and shutdown).
 */
public final class ProxyContext {
    final ProxyConfig config;
    final ProxyMetrics metrics;
    final HttpContext http;
    final Upstreams upstreams;
    final Http1UpstreamPool http1Upstreams;
    final H2UpstreamPool http2Upstreams;
    final ConnectionLimit connections;
    final ChannelGroup accepted = new DefaultChannelGroup("meshlens-accepted", GlobalEventExecutor.INSTANCE);

    public ProxyContext(ProxyConfig config, ProxyMetrics metrics, Tap tap) {
        this.config = config;
        this.metrics = metrics;
        this.http = new HttpContext(config, metrics, tap);
        this.upstreams = new Upstreams(metrics, config.connectTimeout(), config.sourceAddress());
        this.http1Upstreams = new Http1UpstreamPool(upstreams, config.idleTimeout(), http::draining);
        this.http2Upstreams = new H2UpstreamPool(upstreams, Math.max(config.maxHeaderSize(), 8192));
        this.connections = new ConnectionLimit(config.maxConnections(), metrics);
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** Requests currently being forwarded. */
    public int inFlight() {
        return http.inFlight();
    }

    public ChannelGroup acceptedChannels() {
        return accepted;
    }

    /** Starts draining: HTTP/1 connections close when idle, HTTP/2 connections get GOAWAY. */
    public void startDraining() {
        http.startDraining();
        for (Channel ch : accepted) {
            ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
        }
    }

    boolean draining() {
        return http.draining();
    }

    public void close() {
        http.close();
    }
}
