package io.meshlens.proxy.internal;

import java.net.InetSocketAddress;

import io.netty.channel.Channel;

/** Per accepted connection facts computed once: the caller and its capped {@code peer} label. */
final class ConnectionInfo {
    final Channel channel;
    final String remote;   // ip:port, for tap
    final String local;    // ip:port, for tap
    final String callerPeer; // capped caller IP

    ConnectionInfo(Channel channel, String callerPeer) {
        this.channel = channel;
        this.remote = format(channel.remoteAddress() instanceof InetSocketAddress ? (InetSocketAddress) channel.remoteAddress() : null);
        this.local = format(channel.localAddress() instanceof InetSocketAddress ? (InetSocketAddress) channel.localAddress() : null);
        this.callerPeer = callerPeer;
    }

    static String format(InetSocketAddress a) {
        if (a == null) {
            return "";
        }
        String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (h.indexOf(':') >= 0 ? '[' + h + ']' : h) + ':' + a.getPort();
    }

    static String ip(InetSocketAddress a) {
        return a == null || a.getAddress() == null ? "" : a.getAddress().getHostAddress();
    }
}
