package io.meshlens.proxy.internal.conn;

import io.meshlens.proxy.metrics.ProxyError;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ServerChannel;
import io.netty.util.AttributeKey;

/** The one close helper of the proxy, and why a connection closed. */
public final class Channels {
    /** Why a connection closed, read by {@link TcpMetricsHandler} when it closes. */
    static final AttributeKey<ProxyError> CLOSE_ERROR = AttributeKey.valueOf("meshlens.closeError");

    private Channels() {}

    /** Closes after everything queued has been written (the Netty proxy example's helper). */
    public static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Records why {@code ch} closes (the first reason wins); a child channel records it on its
     * parent connection.
     */
    public static void markCloseError(Channel ch, ProxyError error) {
        Channel c = ch.parent() != null && !(ch.parent() instanceof ServerChannel) ? ch.parent() : ch;
        c.attr(CLOSE_ERROR).compareAndSet(null, error);
    }

    static ProxyError closeError(Channel ch) {
        ProxyError e = ch.attr(CLOSE_ERROR).get();
        return e == null ? ProxyError.NONE : e;
    }
}
