package io.meshlens.proxy;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

import io.meshlens.proxy.internal.conn.Addresses;

/**
 * One inbound listener: accept on {@code listen}, forward to {@code target} (the app).
 * Written as {@code listen=target}, e.g. {@code 0.0.0.0:4143=127.0.0.1:8080}.
 */
public record PortMapping(InetSocketAddress listen, InetSocketAddress target) {
    public PortMapping {
        requireNonNull(listen, "listen");
        requireNonNull(target, "target");
    }

    static PortMapping parse(String key, String spec) {
        int eq = spec.indexOf('=');
        if (eq < 0) {
            throw new ConfigException(key + ": " + spec + " (expected: listen=target, e.g. 0.0.0.0:4143=127.0.0.1:8080)");
        }
        return new PortMapping(HostPort.parseAddress(key, spec.substring(0, eq).trim(), false),
                               HostPort.parseAddress(key, spec.substring(eq + 1).trim(), false));
    }

    @Override
    public String toString() {
        return Addresses.format(listen) + '=' + Addresses.format(target);
    }
}
