package io.meshlens.proxy.internal;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.EdgeMetrics;
import io.meshlens.proxy.metrics.Protocol;

/**
 * The edge a caller connection last recorded on. A connection usually talks to one authority and
 * route, so its exchanges reuse the resolved {@link EdgeMetrics} and skip the label lookup while
 * protocol, authority, route and peer stay the same instances. Confined to the connection's event
 * loop; one per caller connection, shared by the HTTP/1 byte path, the frame-level HTTP/2 path
 * and the codec path.
 */
final class ConnectionEdge {
    private final ListenerContext lc;
    private final ConnectionInfo conn;
    private EdgeMetrics edge;
    private Protocol protocol;
    private String authority;
    private String route;
    private String peer;

    ConnectionEdge(ListenerContext lc, ConnectionInfo conn) {
        this.lc = lc;
        this.conn = conn;
    }

    /**
     * The edge for an exchange; the peer label is the caller on inbound and {@code targetPeer}
     * (the resolved upstream) on outbound.
     */
    EdgeMetrics get(Protocol protocol, String authority, String route, String targetPeer) {
        String peer = lc.direction == Direction.INBOUND ? conn.callerPeer : targetPeer;
        if (edge != null && this.protocol == protocol && this.peer == peer && this.route == route
            && this.authority == authority) {
            return edge;
        }
        edge = lc.proxy.metrics.edge(lc.direction, protocol, authority, route, peer);
        this.protocol = protocol;
        this.peer = peer;
        this.route = route;
        this.authority = authority;
        return edge;
    }
}
