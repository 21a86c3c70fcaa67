package io.meshlens.exporter;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.meshlens.exporter.api.HttpApi;
import io.meshlens.exporter.collect.CollectionLoop;
import io.meshlens.exporter.collect.MetricsOutput;
import io.meshlens.exporter.collect.SelfMetrics;
import io.meshlens.exporter.discovery.Cluster;
import io.meshlens.exporter.discovery.KubernetesCluster;
import io.meshlens.exporter.discovery.StaticInventory;
import io.meshlens.exporter.live.LiveWindow;

/**
 * Starts an exporter: discovery (a static inventory or the Kubernetes API), the scrape loop and
 * the HTTP API.
 *
 * <pre>{@code
 * try (RunningExporter e = ExporterServer.start(ExporterConfig.builder()
 *         .listen(new InetSocketAddress("127.0.0.1", 0)).inventory(Path.of("inventory.yaml")).build())) {
 *     URI metrics = URI.create("http://127.0.0.1:" + e.port() + "/metrics");
 * }
 * }</pre>
 */
public final class ExporterServer {
    private ExporterServer() {}

    /**
     * @throws io.meshlens.exporter.discovery.InventoryException if the inventory cannot be used
     * @throws UncheckedIOException if the listen address cannot be bound
     */
    public static RunningExporter start(ExporterConfig config) {
        requireNonNull(config, "config");
        SelfMetrics self = new SelfMetrics();
        Cluster cluster;
        boolean ownsCluster = true;
        KubernetesClient ownedClient = null;
        if (config.inventory() != null) {
            cluster = StaticInventory.load(config.inventory());
        } else {
            KubernetesClient client = config.kubernetesClient();
            if (client == null) {
                client = new KubernetesClientBuilder().build();
                ownedClient = client;
            }
            cluster = KubernetesCluster.start(client, self::informerEvent);
        }
        LiveWindow live = new LiveWindow(config.liveRetention());
        CollectionLoop loop = new CollectionLoop(config, cluster, self, live);
        MetricsOutput output = new MetricsOutput(config, cluster, loop, self);
        HttpApi api;
        try {
            Cluster c = cluster;
            api = new HttpApi(config, cluster, loop, live, output,
                    () -> c.synced() && c.degradedReason().isEmpty() && loop.latest().done());
        } catch (IOException e) {
            loop.close();
            cluster.close();
            if (ownedClient != null) {
                ownedClient.close();
            }
            throw new UncheckedIOException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
        }
        loop.start();
        return new RunningExporter(cluster, loop, api, ownsCluster);
    }
}
