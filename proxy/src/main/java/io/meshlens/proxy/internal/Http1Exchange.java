package io.meshlens.proxy.internal;

import java.util.concurrent.atomic.AtomicLong;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.EdgeMetrics;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.routes.RouteTable;
import io.meshlens.proxy.tap.TapSource;

/**
 * The record of one HTTP/1 exchange on the byte-forwarding path: what the metrics and the tap
 * report (same labels, latency definition and tap fields as {@link HttpExchangeHandler}).
 * One instance per connection, reused for each exchange; the label lookup is cached across
 * exchanges because a connection usually talks to one authority and route.
 */
final class Http1Exchange implements TapSource {
    private static final AtomicLong IDS = HttpExchangeHandler.IDS;

    private final ListenerContext lc;
    private final ProxyContext proxy;
    private final ConnectionInfo conn;

    private final ConnectionEdge lastEdge;

    long id;
    String method;
    /** Null unless a route table or the tap needs it (building it allocates). */
    String path;
    String authority;
    Target target;
    private EdgeMetrics edge;
    int status;
    long startNanos;
    long headersNanos;
    private long endNanos;
    long requestBytes;
    long responseBytes;
    private ProxyError error = ProxyError.NONE;
    boolean admitted;
    private boolean tapRequestSent;

    Http1Exchange(ListenerContext lc, ConnectionInfo conn) {
        this.lc = lc;
        this.proxy = lc.proxy;
        this.conn = conn;
        this.lastEdge = new ConnectionEdge(lc, conn);
    }

    void begin(String method, String path, String authority) {
        id = IDS.incrementAndGet();
        startNanos = System.nanoTime();
        this.method = method;
        this.path = path;
        this.authority = authority;
        headersNanos = 0;
        endNanos = 0;
        status = 0;
        requestBytes = 0;
        responseBytes = 0;
        error = ProxyError.NONE;
        target = null;
        edge = null;
        admitted = false;
        tapRequestSent = false;
    }

    /** The target is known: counts the request on its edge and emits the tap request event. */
    void onTarget(Target t) {
        target = t;
        edge = edge(t.peer());
        try {
            edge.request();
        } catch (RuntimeException e) {
            proxy.metrics.recordFailed(e);
        }
        tapRequest();
    }

    void tapRequest() {
        if (!tapRequestSent && proxy.tap.active()) {
            tapRequestSent = true;
            proxy.tap.request(this);
        }
    }

    void responseHeaders(int code) {
        tapRequest();
        status = code;
        headersNanos = System.nanoTime();
        if (proxy.tap.active()) {
            proxy.tap.response(this);
        }
    }

    private EdgeMetrics edge(String targetPeer) {
        RouteTable routes = proxy.config.routes();
        String route = routes.size() == 0 || path == null ? RouteTable.DEFAULT : routes.match(method, path);
        return lastEdge.get(Protocol.HTTP1, authority, route, targetPeer);
    }

    /** Records the exchange (once) and frees its admission slot. */
    void finish(ProxyError err) {
        error = err;
        endNanos = System.nanoTime();
        if (headersNanos == 0) {
            headersNanos = endNanos;
        }
        tapRequest();
        try {
            if (edge == null) {
                edge = edge(target != null ? target.peer() : "");
                edge.request();
            }
            edge.response(status, -1, err, headersNanos - startNanos, requestBytes, responseBytes);
        } catch (RuntimeException e) {
            proxy.metrics.recordFailed(e);
        }
        if (proxy.tap.active()) {
            proxy.tap.end(this);
        }
        if (admitted) {
            admitted = false;
            proxy.releaseRequest();
        }
    }

    // ---------------------------------------------------------------- TapSource

    @Override public long tapId() { return id; }
    @Override public Direction direction() { return lc.direction; }
    @Override public String src() { return lc.direction == Direction.INBOUND ? conn.remote : conn.local; }
    /** The upstream in every event (the old path's request event named the listener instead). */
    @Override public String dst() {
        if (target != null) {
            return ConnectionInfo.format(target.address());
        }
        return lc.fixedTarget != null ? ConnectionInfo.format(lc.fixedTarget) : "";
    }
    @Override public String method() { return method; }
    @Override public String authority() { return authority; }
    @Override public String path() { return path; }
    @Override public int statusCode() { return status; }
    @Override public int grpcStatus() { return -1; }
    @Override public long latencyNanos() { return headersNanos == 0 ? 0 : headersNanos - startNanos; }
    @Override public long durationNanos() { return (endNanos == 0 ? System.nanoTime() : endNanos) - startNanos; }
    @Override public long responseBytes() { return responseBytes; }
    @Override public ProxyError error() { return error; }
}
