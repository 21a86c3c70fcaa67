package io.meshlens.exporter;

import java.util.concurrent.CountDownLatch;

import io.meshlens.exporter.discovery.InventoryException;

/**
 * Runs the exporter from {@code MESHLENS_EXPORTER_*} environment variables (docs/exporter.md).
 * Exit codes: 2 for a configuration error (the message names the key), 1 when it cannot start.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("meshlens-exporter " + ExporterVersion.VERSION + ": configure with environment variables:");
            for (ExporterConfig.Key k : ExporterConfig.Key.values()) {
                System.out.printf("  %-42s %s (default: %s)%n", k.env(), k.doc(), k.defaultValue().isEmpty() ? "none" : k.defaultValue());
            }
            return;
        }
        ExporterConfig config;
        try {
            config = ExporterConfig.fromEnvironment(System.getenv());
        } catch (ExporterConfigException e) {
            System.err.println("meshlens-exporter: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        RunningExporter exporter;
        try {
            exporter = ExporterServer.start(config);
        } catch (InventoryException e) {
            System.err.println("meshlens-exporter: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("meshlens-exporter: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exporter.close();
            stopped.countDown();
        }, "meshlens-exporter-stop"));
        System.out.println("meshlens-exporter " + ExporterVersion.VERSION + " listening on " + exporter.address()
                + (config.inventory() != null ? " (static inventory " + config.inventory() + ")" : " (Kubernetes)"));
        System.out.flush();
        stopped.await();
    }
}
