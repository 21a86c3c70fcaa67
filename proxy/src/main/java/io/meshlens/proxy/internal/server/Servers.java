package io.meshlens.proxy.internal.server;

import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

import io.meshlens.proxy.internal.admin.AdminHandler;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.internal.conn.Transport;
import io.meshlens.proxy.metrics.Direction;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/** Binds the proxy's listeners: data-path listeners on the worker group, admin on its own group. */
public final class Servers {
    private Servers() {}

    public static Channel bindListener(ProxyContext proxy, EventLoopGroup boss, EventLoopGroup workers,
                                       Direction direction, InetSocketAddress listen, InetSocketAddress fixedTarget)
            throws InterruptedException {
        var cfg = proxy.config;
        Listener listener = new Listener(direction, fixedTarget, cfg.transparent(), cfg.originalDestination());
        return new ServerBootstrap().group(boss, workers).channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ServerInitializer(proxy, listener))
                .bind(listen).sync().channel();
    }

    public static Channel bindAdmin(ProxyContext proxy, EventLoopGroup adminGroup, InetSocketAddress listen,
                                    BooleanSupplier ready, Runnable shutdown) throws InterruptedException {
        var cfg = proxy.config;
        AdminHandler handler = new AdminHandler(proxy.metrics.registry(), ready, shutdown, proxy.http.tap(), cfg.tapToken(),
                cfg.tapQueueSize(), cfg.tapMaxSubscribers());
        return new ServerBootstrap().group(adminGroup).channel(Transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), handler);
                    }
                })
                .bind(listen).sync().channel();
    }
}
