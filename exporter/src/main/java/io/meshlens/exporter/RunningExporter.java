package io.meshlens.exporter;

import java.net.InetSocketAddress;

import io.meshlens.exporter.api.HttpApi;
import io.meshlens.exporter.collect.CollectionLoop;
import io.meshlens.exporter.discovery.Cluster;

/** A started exporter: its address, readiness, and {@link #close()} to stop it. */
public final class RunningExporter implements AutoCloseable {
    private final Cluster cluster;
    private final CollectionLoop loop;
    private final HttpApi api;
    private final boolean ownsCluster;

    RunningExporter(Cluster cluster, CollectionLoop loop, HttpApi api, boolean ownsCluster) {
        this.cluster = cluster;
        this.loop = loop;
        this.api = api;
        this.ownsCluster = ownsCluster;
    }

    public InetSocketAddress address() {
        return api.address();
    }

    public int port() {
        return api.address().getPort();
    }

    /** Ready: discovery has synced, the API server is reachable, and a scrape cycle has finished. */
    public boolean isReady() {
        return cluster.synced() && cluster.degradedReason().isEmpty() && loop.latest().done();
    }

    @Override
    public void close() {
        api.close();
        loop.close();
        if (ownsCluster) {
            cluster.close();
        }
    }
}
