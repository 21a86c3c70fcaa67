package io.meshlens.proxy.metrics;

import java.util.concurrent.atomic.AtomicReferenceArray;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

/** The TCP data points of one (direction, peer), resolved once per peer. */
public final class TcpMetrics {
    private final ProxyMetrics owner;
    private final String direction;
    private final String peer;
    private final CounterDataPoint opened;
    private final CounterDataPoint read;
    private final CounterDataPoint written;
    private final GaugeDataPoint open;
    private final AtomicReferenceArray<CounterDataPoint> closed =
            new AtomicReferenceArray<>(ProxyError.values().length);

    TcpMetrics(ProxyMetrics owner, String direction, String peer, GaugeDataPoint open) {
        this.owner = owner;
        this.direction = direction;
        this.peer = peer;
        this.open = open;
        opened = owner.tcpOpened.labelValues(direction, peer);
        read = owner.tcpRead.labelValues(direction, peer);
        written = owner.tcpWrite.labelValues(direction, peer);
    }

    public void opened() {
        opened.inc();
        open.inc();
    }

    public void read(long bytes) {
        read.inc(bytes);
    }

    public void written(long bytes) {
        written.inc(bytes);
    }

    public void closed(ProxyError error) {
        CounterDataPoint dp = closed.get(error.ordinal());
        if (dp == null) {
            dp = owner.tcpClosed.labelValues(direction, peer, error.label());
            closed.set(error.ordinal(), dp);
        }
        dp.inc();
        open.dec();
    }
}
