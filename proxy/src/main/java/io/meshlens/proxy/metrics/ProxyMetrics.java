package io.meshlens.proxy.metrics;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.meshlens.proxy.ProxyConfig;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * One proxy's metrics: its own registry (so several proxies can run in one JVM), the contract's
 * meters built from {@link MeshlensMetrics}, cardinality caps and per-edge data point caches.
 */
public final class ProxyMetrics {
    private static final Logger log = LoggerFactory.getLogger(ProxyMetrics.class);

    final ProxyConfig config;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    final Counter requests;
    final Counter responses;
    final LatencyHistograms latency;
    final Counter requestBytes;
    final Counter responseBytes;
    final Counter tcpOpened;
    final Counter tcpClosed;
    final Counter tcpRead;
    final Counter tcpWrite;
    private final Gauge tcpOpen;
    private final CounterDataPoint[] refusedByDirection = new CounterDataPoint[Direction.values().length];
    private final CounterDataPoint tapDropped;
    private final LabelLimiter peers;
    private final LabelLimiter authorities;
    private final LabelLimiter routes;
    private final GaugeDataPoint[] openByDirection = new GaugeDataPoint[Direction.values().length];
    @SuppressWarnings("unchecked")
    private final ConcurrentHashMap<String, TcpMetrics>[] tcpByPeer = new ConcurrentHashMap[Direction.values().length];
    /** [direction][protocol] -> authority -> route -> peer -> edge. */
    @SuppressWarnings("unchecked")
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ConcurrentHashMap<String, EdgeMetrics>>>[] edges =
            new ConcurrentHashMap[Direction.values().length * Protocol.values().length];
    private final AtomicBoolean recordFailureLogged = new AtomicBoolean();

    public ProxyMetrics(ProxyConfig config, String version) {
        this.config = requireNonNull(config, "config");
        requests = counter(MeshlensMetrics.REQUESTS);
        responses = counter(MeshlensMetrics.RESPONSES);
        latency = new LatencyHistograms();
        registry.register(latency);
        requestBytes = counter(MeshlensMetrics.REQUEST_BYTES);
        responseBytes = counter(MeshlensMetrics.RESPONSE_BYTES);
        tcpOpened = counter(MeshlensMetrics.TCP_OPENED);
        tcpClosed = counter(MeshlensMetrics.TCP_CLOSED);
        tcpRead = counter(MeshlensMetrics.TCP_READ_BYTES);
        tcpWrite = counter(MeshlensMetrics.TCP_WRITE_BYTES);
        Counter refused = counter(MeshlensMetrics.TCP_REFUSED);
        tcpOpen = Gauge.builder().name(MeshlensMetrics.TCP_OPEN.metricName()).help(MeshlensMetrics.TCP_OPEN.help())
                       .labelNames(MeshlensMetrics.TCP_OPEN.labelArray()).withoutExemplars().register(registry);
        Counter dropped = counter(MeshlensMetrics.TAP_DROPPED);
        tapDropped = dropped;
        Counter overflow = counter(MeshlensMetrics.LABEL_OVERFLOW);
        peers = new LabelLimiter(config.labelLimit(), overflow.labelValues("peer"));
        authorities = new LabelLimiter(config.labelLimit(), overflow.labelValues("authority"));
        routes = new LabelLimiter(config.labelLimit(), overflow.labelValues("route"));
        Info info = Info.builder().name(MeshlensMetrics.PROXY_INFO.metricName()).help(MeshlensMetrics.PROXY_INFO.help())
                        .labelNames(MeshlensMetrics.PROXY_INFO.labelArray()).register(registry);
        info.setLabelValues(version, config.namespace(), config.pod(), config.workload());
        for (Direction d : Direction.values()) {
            openByDirection[d.ordinal()] = tcpOpen.labelValues(d.label());
            refusedByDirection[d.ordinal()] = refused.labelValues(d.label());
            tcpByPeer[d.ordinal()] = new ConcurrentHashMap<>();
        }
        for (int i = 0; i < edges.length; i++) {
            edges[i] = new ConcurrentHashMap<>();
        }
        JvmMetrics.builder().register(registry);
    }

    private Counter counter(MeshlensMetrics m) {
        return Counter.builder().name(m.metricName()).help(m.help()).labelNames(m.labelArray())
                      .withoutExemplars().register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Caps a peer value once per connection. */
    public String limitPeer(String peer) {
        return peers.limit(peer);
    }

    /**
     * Returns the edge for these labels; {@code authority} and {@code route} are capped here,
     * {@code peer} must come from {@link #limitPeer}.
     */
    public EdgeMetrics edge(Direction direction, Protocol protocol, String authority, String route, String peer) {
        String a = authorities.limit(authority);
        String r = routes.limit(route);
        var byAuthority = edges[direction.ordinal() * Protocol.values().length + protocol.ordinal()];
        var byRoute = byAuthority.get(a);
        if (byRoute == null) {
            byRoute = byAuthority.computeIfAbsent(a, k -> new ConcurrentHashMap<>());
        }
        var byPeer = byRoute.get(r);
        if (byPeer == null) {
            byPeer = byRoute.computeIfAbsent(r, k -> new ConcurrentHashMap<>());
        }
        EdgeMetrics e = byPeer.get(peer);
        if (e == null) {
            e = byPeer.computeIfAbsent(peer, p -> new EdgeMetrics(this, direction.label(), protocol.label(), a, r, p));
        }
        return e;
    }

    /** TCP metrics for a (direction, peer); the peer is capped here. */
    public TcpMetrics tcp(Direction direction, String peer) {
        String p = peers.limit(peer);
        var map = tcpByPeer[direction.ordinal()];
        TcpMetrics t = map.get(p);
        if (t == null) {
            t = map.computeIfAbsent(p, k -> new TcpMetrics(this, direction.label(), k, openByDirection[direction.ordinal()]));
        }
        return t;
    }

    /** Counts a connection closed at accept because the proxy was at its connection limit. */
    public void connectionRefused(Direction direction) {
        refusedByDirection[direction.ordinal()].inc();
    }

    public void tapDropped() {
        tapDropped.inc();
    }

    /** Called when recording itself failed: a metrics bug must never break an exchange. */
    public void recordFailed(Throwable t) {
        if (recordFailureLogged.compareAndSet(false, true)) {
            log.warn("metrics recording failed (logged once)", t);
        }
    }
}
