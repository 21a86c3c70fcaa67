package io.meshlens.exporter.scrape;

/** Formats addresses for URLs and labels: IPv6 literals in brackets. */
public final class Hosts {
    private Hosts() {}

    public static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
