package io.meshlens.proxy.internal.conn;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.netty.channel.Channel;

/** Per accepted connection facts computed once: its addresses (for tap) and the capped caller {@code peer} label. */
public final class ConnectionInfo {
    private final Channel channel;
    private final String remote;
    private final String local;
    private final String callerPeer;

    public ConnectionInfo(Channel channel, String callerPeer) {
        this.channel = channel;
        this.remote = format(inet(channel.remoteAddress()));
        this.local = format(inet(channel.localAddress()));
        this.callerPeer = callerPeer;
    }

    public Channel channel() { return channel; }
    /** The caller's {@code ip:port}. */
    public String remote() { return remote; }
    /** The listener's {@code ip:port}. */
    public String local() { return local; }
    /** The caller's IP as a {@code peer} label value, already capped. */
    public String callerPeer() { return callerPeer; }

    public static InetSocketAddress inet(SocketAddress a) {
        return a instanceof InetSocketAddress ? (InetSocketAddress) a : null;
    }

    /** {@code ip:port}, IPv6 in brackets; "" for null. */
    public static String format(InetSocketAddress a) {
        if (a == null) {
            return "";
        }
        String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (h.indexOf(':') >= 0 ? '[' + h + ']' : h) + ':' + a.getPort();
    }

    /** The IP of {@code a}, "" when unknown. */
    public static String ip(InetSocketAddress a) {
        return a == null || a.getAddress() == null ? "" : a.getAddress().getHostAddress();
    }
}
