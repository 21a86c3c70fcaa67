package io.meshlens.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import io.meshlens.proxy.internal.conn.Addresses;

/** Parsing of {@code host:port} / {@code [v6]:port} values in configuration. */
final class HostPort {
    private HostPort() {}

    /** Parses an address whose host must be an IP literal (no DNS at config time) unless {@code allowNames}. */
    static InetSocketAddress parseAddress(String key, String value, boolean allowNames) {
        String host;
        String port;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0 || end + 1 >= value.length() || value.charAt(end + 1) != ':') {
                throw new ConfigException(key + ": " + value + " (expected: [ipv6]:port)");
            }
            host = value.substring(1, end);
            port = value.substring(end + 2);
        } else {
            int colon = value.lastIndexOf(':');
            if (colon <= 0) {
                throw new ConfigException(key + ": " + value + " (expected: host:port)");
            }
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": " + value + " (expected: a port number 0-65535)");
        }
        if (p < 0 || p > 65535) {
            throw new ConfigException(key + ": " + value + " (expected: a port number 0-65535)");
        }
        if (!Addresses.isIpLiteral(host)) {
            if (!allowNames) {
                throw new ConfigException(key + ": " + value + " (expected: an IP address, not a name)");
            }
            return InetSocketAddress.createUnresolved(host, p);
        }
        return new InetSocketAddress(parseIp(key, host), p);
    }

    static InetAddress parseIp(String key, String host) {
        if (!Addresses.isIpLiteral(host)) {
            throw new ConfigException(key + ": " + host + " (expected: an IP address)");
        }
        try {
            return InetAddress.getByName(host); // literal: no lookup
        } catch (UnknownHostException e) {
            throw new ConfigException(key + ": " + host + " (expected: an IP address)", e);
        }
    }
}
