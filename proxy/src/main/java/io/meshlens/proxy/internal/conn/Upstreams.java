package io.meshlens.proxy.internal.conn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;

/**
 * How the proxy opens upstream connections, whatever the protocol: on the caller's event loop,
 * with the connect timeout, from the configured source address, and (outbound) with TCP metrics
 * at the head of the pipeline.
 */
public final class Upstreams {
    private final ProxyMetrics metrics;
    private final int connectTimeoutMillis;
    private final InetAddress sourceAddress;

    public Upstreams(ProxyMetrics metrics, Duration connectTimeout, InetAddress sourceAddress) {
        this.metrics = metrics;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.sourceAddress = sourceAddress;
    }

    public int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    /** A bootstrap on {@code loop} whose connections end in a new {@code handler}; reads only when asked. */
    public Bootstrap bootstrap(EventLoop loop, Direction direction, Supplier<? extends ChannelHandler> handler) {
        return new Bootstrap().group(loop).channel(Transport.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (direction == Direction.OUTBOUND) {
                            ch.pipeline().addLast(new TcpMetricsHandler(metrics, Direction.OUTBOUND, ProxyError.UPSTREAM_RESET));
                        }
                        ch.pipeline().addLast(handler.get());
                    }
                });
    }

    public ChannelFuture connect(Bootstrap b, InetSocketAddress target) {
        return sourceAddress == null ? b.connect(target) : b.connect(target, new InetSocketAddress(sourceAddress, 0));
    }
}
