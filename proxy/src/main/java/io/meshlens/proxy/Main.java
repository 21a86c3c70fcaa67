package io.meshlens.proxy;

import java.util.concurrent.TimeUnit;

import io.meshlens.proxy.internal.conn.Transport;

/**
 * CLI entry point: configuration from {@code MESHLENS_*} (see {@code docs/proxy.md}); exits 2 on a
 * configuration error and 1 when a listener cannot bind, never running half-started. SIGTERM
 * drains gracefully.
 */
public final class Main {
    private Main() {}

    /**
     * Netty 4.2 reports buffer allocations as JFR events, and the first allocation, reallocation
     * and release of a buffer each generate a JFR event class on the event loop that hits them:
     * 10-35 ms each on this project's 2-core machine (1 ms for a reallocation with them off), met
     * first when a large upload or stream starts, so everybody on that loop waits. Off unless
     * {@code -Dio.netty.jfr.enabled=true} asks for them.
     */
    static void disableNettyJfrEventsUnlessAsked() {
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
    }

    public static void main(String[] args) {
        disableNettyJfrEventsUnlessAsked(); // before any Netty class reads it
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("meshlens-proxy " + Version.VERSION + ": configure with environment variables:");
            for (ConfigKey k : ConfigKey.values()) {
                System.out.printf("  %-34s %s (default: %s)%n", k.env(), k.doc(), k.defaultValue().isEmpty() ? "none" : k.defaultValue());
            }
            return;
        }
        ProxyConfig config;
        try {
            config = ConfigLoader.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            System.err.println("meshlens-proxy: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        RunningProxy proxy;
        try {
            proxy = ProxyServer.start(config);
        } catch (RuntimeException e) {
            System.err.println("meshlens-proxy: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                proxy.shutdownAsync().get(config.drainTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                Runtime.getRuntime().halt(1);
            }
            System.out.println("meshlens-proxy: drained, exiting");
            System.out.flush();
            Runtime.getRuntime().halt(0); // a completed drain is a clean exit, not 143
        }, "meshlens-sigterm"));
        System.out.println("meshlens-proxy " + Version.VERSION + " ready (" + Transport.name() + "): inbound=" + proxy.inboundPorts()
                + " outbound=" + proxy.outboundPort() + " admin=" + proxy.adminPort());
        System.out.flush();
        proxy.terminationFuture().join();
        System.exit(0);
    }
}
