package io.meshlens.proxy.internal.conn;

import io.netty.channel.Channel;

/** Per accepted connection facts computed once: its addresses (for tap) and the capped caller {@code peer} label. */
public final class ConnectionInfo {
    private final Channel channel;
    private final String remote;
    private final String local;
    private final String callerPeer;

    public ConnectionInfo(Channel channel, String callerPeer) {
        this.channel = channel;
        this.remote = Addresses.format(Addresses.inet(channel.remoteAddress()));
        this.local = Addresses.format(Addresses.inet(channel.localAddress()));
        this.callerPeer = callerPeer;
    }

    public Channel channel() { return channel; }
    /** The caller's {@code ip:port}. */
    public String remote() { return remote; }
    /** The listener's {@code ip:port}. */
    public String local() { return local; }
    /** The caller's IP as a {@code peer} label value, already capped. */
    public String callerPeer() { return callerPeer; }
}
