package io.meshlens.proxy.internal.conn;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Socket addresses as the proxy prints and classifies them. */
public final class Addresses {
    private Addresses() {}

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

    /** Whether {@code host} is an IP literal (IPv6, or a dotted IPv4 quad) rather than a name. */
    public static boolean isIpLiteral(String host) {
        if (host.isEmpty()) {
            return false;
        }
        if (host.indexOf(':') >= 0) {
            return true;
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }
}
