package io.meshlens.demo;

import java.net.InetSocketAddress;
import java.util.Map;

/** Reads the demo image's addresses from its environment, with errors that name the bad value. */
final class DemoAddresses {
    private DemoAddresses() {}

    static InetSocketAddress listen(Map<String, String> env) {
        String value = env.getOrDefault("LISTEN", "0.0.0.0:8080");
        int colon = value.lastIndexOf(':');
        return new InetSocketAddress(value.substring(0, Math.max(colon, 0)), port("LISTEN", value, colon, 0));
    }

    /**
     * {@code host:port}, resolved now (a Service name resolves to its ClusterIP, which stays);
     * the authority the demo's clients send is exactly this value.
     */
    static Upstream upstream(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set (expected: host:port, for example "
                    + name.toLowerCase().replace("_addr", "") + "-svc:8080)");
        }
        int colon = value.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(value.substring(0, Math.max(colon, 0)), port(name, value, colon, 1));
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(name + ": " + value + " does not resolve (expected: a resolvable host, for example a"
                    + " Service name in this namespace)");
        }
        return new Upstream(address, value);
    }

    static double rate(Map<String, String> env) {
        String value = env.getOrDefault("RATE", "20");
        try {
            double rate = Double.parseDouble(value);
            if (rate > 0) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("RATE: " + value + " (expected: requests per second > 0, for example 20)");
    }

    /** The port after COLON, at least MIN (0: any free port, for a listen address). */
    private static int port(String name, String value, int colon, int min) {
        try {
            int port = colon > 0 ? Integer.parseInt(value.substring(colon + 1)) : -1;
            if (port >= min && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": " + value + " (expected: host:port with a port in " + min + "..65535)");
    }
}
