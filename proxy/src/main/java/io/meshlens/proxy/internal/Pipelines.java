package io.meshlens.proxy.internal;

import java.net.InetSocketAddress;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.routes.RouteTable;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/** Installs the per-protocol pipeline on an accepted connection once its protocol is known. */
final class Pipelines {
    private final ListenerContext lc;
    private final ConnectionInfo conn;

    Pipelines(ListenerContext lc, ConnectionInfo conn) {
        this.lc = lc;
        this.conn = conn;
    }

    void http1(ChannelPipeline p) {
        var cfg = lc.proxy.config;
        if (!cfg.h2cUpgrade()) {
            // HTTP/1 heads parsed once and forwarded as bytes; the codec path below stays for
            // h2c upgrades, which need Netty's HTTP objects
            p.addLast("exchange", new Http1ServerHandler(lc, conn));
            return;
        }
        HttpServerCodec codec = new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(cfg.maxInitialLineLength())
                .setMaxHeaderSize(cfg.maxHeaderSize())
                .setMaxChunkSize(64 * 1024));
        Http1ClientTimeouts timeouts = new Http1ClientTimeouts(lc, conn);
        p.addLast(Http1ClientTimeouts.BYTES, timeouts.bytes());
        p.addLast("h1", codec);
        p.addLast(Http1ClientTimeouts.MESSAGES, timeouts.messages());
        if (cfg.h2cUpgrade()) {
            p.addLast("h2c-upgrade", new H2cUpgradeHandler(codec, protocol ->
                    H2cUpgradeHandler.H2C.contentEqualsIgnoreCase(protocol) ? new H2cUpgrade() : null, lc.proxy));
        }
        p.addLast("exchange", new HttpExchangeHandler(lc, conn, false));
    }

    /**
     * HTTP/2 with prior knowledge: the frame-level path, one handler for the whole connection (no
     * per-stream child channels), forwarding frames to a shared upstream HTTP/2 connection.
     */
    void http2(ChannelPipeline p) {
        H2CallerConnection caller = H2CallerConnection.create(lc, conn);
        p.addLast("h2", caller);
        Http2IdleTimeout.install(conn.channel, caller.connection(), lc.proxy.config.idleTimeout());
        // Streams have their own flow control; the connection itself must keep reading.
        conn.channel.config().setAutoRead(true);
    }

    private Http2FrameCodec http2FrameCodec() {
        var cfg = lc.proxy.config;
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxHeaderListSize(cfg.maxHeaderSize())
                        .maxConcurrentStreams(cfg.http2MaxConcurrentStreams()))
                .build();
        codec.connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onGoAwaySent(int lastStreamId, long errorCode, ByteBuf debugData) {
                if (errorCode != Http2Error.NO_ERROR.code()) {
                    ProxyContext.markCloseError(conn.channel, ProxyError.PROTOCOL_ERROR);
                    recordConnectionError(Protocol.HTTP2, ProxyError.PROTOCOL_ERROR, 0);
                }
            }
        });
        return codec;
    }

    private Http2MultiplexHandler http2Multiplexer() {
        return new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.config().setAutoRead(false);
                ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true, true));
                ch.pipeline().addLast(new HttpExchangeHandler(lc, conn, true));
            }
        });
    }

    /** Sends GOAWAY when the proxy drains; leaves connection errors to the HTTP/2 codec. */
    private static final class Http2DrainHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == ProxyContext.DrainEvent.INSTANCE) {
                ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The HTTP/2 codec already answers connection errors with GOAWAY(error) and closes;
            // closing here first would send GOAWAY(NO_ERROR) instead.
        }
    }

    /**
     * HTTP/1.1 -> HTTP/2 ({@code Upgrade: h2c}), the way the JDK HttpClient and curl
     * {@code --http2} reach HTTP/2 over cleartext. The upgrade request itself becomes stream 1.
     */
    private final class H2cUpgrade implements HttpServerUpgradeHandler.UpgradeCodec {
        private final Http2FrameCodec codec = http2FrameCodec();
        private final Http2ServerUpgradeCodec delegate = new Http2ServerUpgradeCodec(codec, http2Multiplexer());

        @Override
        public java.util.Collection<CharSequence> requiredUpgradeHeaders() {
            return delegate.requiredUpgradeHeaders();
        }

        @Override
        public boolean prepareUpgradeResponse(ChannelHandlerContext ctx, FullHttpRequest upgradeRequest,
                                              HttpHeaders upgradeHeaders) {
            return delegate.prepareUpgradeResponse(ctx, upgradeRequest, upgradeHeaders);
        }

        @Override
        public void upgradeTo(ChannelHandlerContext ctx, FullHttpRequest upgradeRequest) {
            ChannelPipeline p = ctx.pipeline();
            p.remove("exchange"); // the HTTP/1 exchange handler has nothing to do on an HTTP/2 connection
            Http1ClientTimeouts.removeFrom(p);
            Http2IdleTimeout.install(conn.channel, codec.connection(), lc.proxy.config.idleTimeout());
            p.addLast("h2drain", new Http2DrainHandler());
            delegate.upgradeTo(ctx, upgradeRequest);
            conn.channel.config().setAutoRead(true);
        }
    }

    void opaque(ChannelPipeline p) {
        InetSocketAddress target = lc.fixedTarget;
        if (lc.proxy.config.transparent()) {
            InetSocketAddress od = lc.proxy.config.originalDestination().lookup(conn.channel);
            if (od != null) {
                target = lc.direction == Direction.INBOUND ? new InetSocketAddress("127.0.0.1", od.getPort()) : od;
            }
        }
        if (target == null) {
            ProxyContext.markCloseError(conn.channel, ProxyError.NO_ROUTE);
            conn.channel.close();
            return;
        }
        p.addLast("tcp-forward", new TcpForwarder(lc, target));
    }

    /** A connection-level failure before any request could be parsed: counted as one failed request. */
    void recordConnectionError(Protocol protocol, ProxyError error, int status) {
        try {
            var edge = lc.proxy.metrics.edge(lc.direction, protocol, "",
                    RouteTable.DEFAULT, lc.direction == Direction.INBOUND ? conn.callerPeer : "");
            edge.request();
            edge.response(status, -1, error, 0, 0, 0);
        } catch (RuntimeException e) {
            lc.proxy.metrics.recordFailed(e);
        }
    }
}
