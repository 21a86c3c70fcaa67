package io.meshlens.proxy.interception;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.RawUnixChannelOption;

/**
 * {@link OriginalDestination} for connections redirected by iptables {@code REDIRECT} (nat table):
 * reads {@code SO_ORIGINAL_DST} ({@code getsockopt(fd, SOL_IP, 80)}, or {@code SOL_IPV6} /
 * {@code IP6T_SO_ORIGINAL_DST} for IPv6) from the accepted socket through Netty's epoll
 * {@link RawUnixChannelOption}, so no JNI library of our own and no extra capability: the proxy
 * keeps running as an unprivileged user (see {@code docs/interception.md} for why REDIRECT and not
 * TPROXY).
 *
 * <p>Only epoll channels carry a file descriptor we can ask; {@link #create()} fails with a clear
 * message when the native epoll transport is unavailable, so transparent mode never starts half
 * working.
 */
public final class SoOriginalDestination implements OriginalDestination {
    /** {@code SOL_IP} from {@code <netinet/in.h>}. */
    static final int SOL_IP = 0;
    /** {@code SOL_IPV6} from {@code <netinet/in.h>}. */
    static final int SOL_IPV6 = 41;
    /** {@code SO_ORIGINAL_DST} / {@code IP6T_SO_ORIGINAL_DST} from {@code <linux/netfilter_ipv4.h>}. */
    static final int SO_ORIGINAL_DST = 80;

    private static final RawUnixChannelOption V4 = new RawUnixChannelOption("SO_ORIGINAL_DST", SOL_IP, SO_ORIGINAL_DST, 16);
    private static final RawUnixChannelOption V6 = new RawUnixChannelOption("IP6T_SO_ORIGINAL_DST", SOL_IPV6, SO_ORIGINAL_DST, 28);

    private SoOriginalDestination() {}

    /**
     * Returns the lookup, or throws {@link IllegalStateException} explaining why transparent mode
     * cannot work here (not Linux, or Netty's native epoll library did not load).
     */
    public static SoOriginalDestination create() {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("transparent mode needs SO_ORIGINAL_DST, which needs Netty's native epoll transport "
                    + "(Linux x86_64): " + Epoll.unavailabilityCause());
        }
        return new SoOriginalDestination();
    }

    @Override
    public InetSocketAddress lookup(Channel accepted) {
        if (!(accepted instanceof EpollSocketChannel) || !accepted.isOpen()) {
            return null;
        }
        SocketAddress local = accepted.localAddress();
        boolean v6 = local instanceof InetSocketAddress && ((InetSocketAddress) local).getAddress() instanceof Inet6Address
                && !isV4Mapped((Inet6Address) ((InetSocketAddress) local).getAddress());
        try {
            ByteBuffer raw = accepted.config().getOption(v6 ? V6 : V4);
            return raw == null ? null : decode(raw, v6);
        } catch (ChannelException | IllegalArgumentException e) {
            // ENOENT: the connection was not redirected (e.g. a direct connection to the listener).
            return null;
        }
    }

    /** Decodes a {@code sockaddr_in} / {@code sockaddr_in6} (port and address in network order). */
    static InetSocketAddress decode(ByteBuffer raw, boolean v6) {
        ByteBuffer b = raw.duplicate().order(ByteOrder.BIG_ENDIAN);
        int base = b.position();
        if (b.remaining() < (v6 ? 24 : 8)) {
            return null;
        }
        int port = b.getShort(base + 2) & 0xffff;
        byte[] addr = new byte[v6 ? 16 : 4];
        for (int i = 0; i < addr.length; i++) {
            addr[i] = b.get(base + (v6 ? 8 : 4) + i);
        }
        try {
            InetAddress a = InetAddress.getByAddress(addr);
            return port == 0 || a.isAnyLocalAddress() ? null : new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            return null; // cannot happen for 4 or 16 bytes
        }
    }

    private static boolean isV4Mapped(Inet6Address a) {
        byte[] b = a.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
