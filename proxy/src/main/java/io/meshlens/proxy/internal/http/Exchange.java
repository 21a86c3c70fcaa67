package io.meshlens.proxy.internal.http;

import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.EdgeMetrics;
import io.meshlens.proxy.metrics.Protocol;
import io.meshlens.proxy.metrics.ProxyError;
import io.meshlens.proxy.routes.RouteTable;
import io.meshlens.proxy.tap.Tap;
import io.meshlens.proxy.tap.TapSource;

/**
 * The record of one HTTP exchange, whatever the protocol: its id, labels, timing, sizes and
 * outcome, what the metrics and the tap report. The tap sees {@code req} once the target is known
 * (so that {@code dst} names the upstream), {@code rsp} when response headers arrive (or the proxy
 * answers itself) and {@code end} when the exchange is recorded. {@link #finish} records exactly
 * once, and frees the admission slot. Confined to the caller connection's event loop; an HTTP/1
 * connection reuses one record for each of its exchanges.
 */
public final class Exchange implements TapSource {
    private final HttpContext http;
    private final Listener listener;
    private final ConnectionInfo conn;
    private final ConnectionEdge edges;

    private boolean active;
    private boolean admitted;
    private boolean tapRequestSent;
    private long id;
    private Protocol protocol = Protocol.HTTP1;
    // request line as received; made Strings only for a route table or a tap
    private CharSequence methodText;
    private CharSequence pathText;
    private String method;
    private String path;
    private String authority = "";
    private Target target;
    private EdgeMetrics edge;
    private int status;
    private int grpcStatus = -1;
    private long startNanos;
    private long headersNanos;
    private long endNanos;
    private long requestBytes;
    private long responseBytes;
    private ProxyError error = ProxyError.NONE;

    public Exchange(HttpContext http, Listener listener, ConnectionInfo conn, ConnectionEdge edges) {
        this.http = http;
        this.listener = listener;
        this.conn = conn;
        this.edges = edges;
    }

    /**
     * Starts an exchange on this record.
     *
     * @param path null when nobody needs it (no route table, no tap): building it allocates
     */
    public void begin(Protocol protocol, CharSequence method, CharSequence path, String authority) {
        active = true;
        admitted = false;
        tapRequestSent = false;
        id = http.nextExchangeId();
        startNanos = System.nanoTime();
        this.protocol = protocol;
        this.methodText = method;
        this.pathText = path;
        this.method = null;
        this.path = null;
        this.authority = authority;
        target = null;
        edge = null;
        status = 0;
        grpcStatus = -1;
        headersNanos = 0;
        endNanos = 0;
        requestBytes = 0;
        responseBytes = 0;
        error = ProxyError.NONE;
    }

    /** Takes an in-flight slot; false when the proxy is over its limit (the exchange then fails). */
    public boolean admit() {
        admitted = http.tryAcquireRequest();
        return admitted;
    }

    public boolean active() { return active; }
    public long id() { return id; }
    public Protocol protocol() { return protocol; }
    public Target target() { return target; }
    public boolean isCurrent(long exchangeId) { return active && id == exchangeId; }

    /** The target is known: counts the request on its edge and emits the tap's {@code req}. */
    public void target(Target t) {
        target = t;
        edge = edge(t.peer());
        try {
            edge.request();
        } catch (RuntimeException e) {
            http.metrics().recordFailed(e);
        }
        tapRequest();
    }

    /** The final response's headers arrived: the latency ends here. */
    public void responseHeaders(int code) {
        tapRequest();
        status = code;
        headersNanos = System.nanoTime();
        Tap tap = http.tap();
        if (tap.active()) {
            tap.response(this);
        }
    }

    /** The proxy answers itself ({@code bodyBytes} of plain text) instead of the upstream. */
    public void proxyResponse(int code, int bodyBytes) {
        grpcStatus = -1;
        responseBytes = bodyBytes;
        responseHeaders(code);
    }

    /** Keeps a valid {@code grpc-status} (0-16); a later one (trailers) overrides an earlier. */
    public void grpcStatus(int code) {
        if (code >= 0) {
            grpcStatus = code;
        }
    }

    public void requestBytes(long total) { requestBytes = total; }
    public void addRequestBytes(long n) { requestBytes += n; }
    public void responseBytes(long total) { responseBytes = total; }
    public void addResponseBytes(long n) { responseBytes += n; }

    /** Records a response forwarded to its end: a gRPC response without {@code grpc-status} is a protocol error. */
    public void finishResponse() {
        finish(protocol == Protocol.GRPC && grpcStatus < 0 ? ProxyError.PROTOCOL_ERROR : ProxyError.NONE);
    }

    /** Records the exchange and frees its admission slot; false (and nothing done) if it already ended. */
    public boolean finish(ProxyError err) {
        if (!active) {
            return false;
        }
        active = false;
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
            edge.response(status, grpcStatus, err, headersNanos - startNanos, requestBytes, responseBytes);
        } catch (RuntimeException e) {
            http.metrics().recordFailed(e);
        }
        Tap tap = http.tap();
        if (tap.active()) {
            tap.end(this);
        }
        if (admitted) {
            admitted = false;
            http.releaseRequest();
        }
        return true;
    }

    private void tapRequest() {
        if (!tapRequestSent && http.tap().active()) {
            tapRequestSent = true;
            http.tap().request(this);
        }
    }

    private EdgeMetrics edge(String targetPeer) {
        RouteTable routes = http.config().routes();
        String route = routes.size() == 0 || pathText == null ? RouteTable.DEFAULT : routes.match(method(), path());
        return edges.get(protocol, authority, route, targetPeer);
    }

    // ---------------------------------------------------------------- TapSource

    @Override public long tapId() { return id; }
    @Override public Direction direction() { return listener.direction(); }
    @Override public String src() { return listener.inbound() ? conn.remote() : conn.local(); }
    @Override public String dst() {
        if (target != null) {
            return ConnectionInfo.format(target.address());
        }
        return listener.fixedTarget() != null ? ConnectionInfo.format(listener.fixedTarget()) : "";
    }
    @Override public String method() {
        if (method == null) {
            method = methodText == null ? "" : methodText.toString();
        }
        return method;
    }
    @Override public String authority() { return authority; }
    @Override public String path() {
        if (path == null && pathText != null) {
            path = pathText.toString();
        }
        return path;
    }
    @Override public int statusCode() { return status; }
    @Override public int grpcStatus() { return grpcStatus; }
    @Override public long latencyNanos() { return headersNanos == 0 ? 0 : headersNanos - startNanos; }
    @Override public long durationNanos() { return (endNanos == 0 ? System.nanoTime() : endNanos) - startNanos; }
    @Override public long responseBytes() { return responseBytes; }
    @Override public ProxyError error() { return error; }
}
