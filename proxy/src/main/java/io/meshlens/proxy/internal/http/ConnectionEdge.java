package io.meshlens.proxy.internal.http;

import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.metrics.EdgeMetrics;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyMetrics;

/**
 * The edge a caller connection last recorded on. A connection usually talks to one authority and
 * route, so its exchanges reuse the resolved {@link EdgeMetrics} and skip the label lookup while
 * protocol, authority, route and peer stay the same instances. Confined to the connection's event
 * loop; one per caller connection.
 */
public final class ConnectionEdge {
    private final ProxyMetrics metrics;
    private final Listener listener;
    private final ConnectionInfo conn;
    private EdgeMetrics edge;
    private Protocol protocol;
    private String authority;
    private String route;
    private String peer;

    public ConnectionEdge(ProxyMetrics metrics, Listener listener, ConnectionInfo conn) {
        this.metrics = metrics;
        this.listener = listener;
        this.conn = conn;
    }

    /**
     * The edge for an exchange; the peer label is the caller on inbound and {@code targetPeer}
     * (the resolved upstream) on outbound.
     */
    EdgeMetrics get(Protocol protocol, String authority, String route, String targetPeer) {
        String peer = listener.inbound() ? conn.callerPeer() : targetPeer;
        if (edge != null && this.protocol == protocol && this.peer == peer && this.route == route
            && this.authority == authority) {
            return edge;
        }
        edge = metrics.edge(listener.direction(), protocol, authority, route, peer);
        this.protocol = protocol;
        this.peer = peer;
        this.route = route;
        this.authority = authority;
        return edge;
    }
}
