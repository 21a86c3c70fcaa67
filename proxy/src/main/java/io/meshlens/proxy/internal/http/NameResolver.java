package io.meshlens.proxy.internal.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.meshlens.proxy.metrics.ProxyMetrics;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Resolves outbound authorities: the static name map first, then IP literals, then DNS on a
 * separate thread (never on an event loop). Results are cached briefly per authority, so the
 * hot path is one map lookup.
 */
final class NameResolver {
    private static final long DNS_TTL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Map<String, InetSocketAddress> names;
    private final ProxyMetrics metrics;
    private final ConcurrentHashMap<String, Target> cache = new ConcurrentHashMap<>();
    private final ExecutorService dns = Executors.newSingleThreadExecutor(new DefaultThreadFactory("meshlens-dns", true));

    NameResolver(Map<String, InetSocketAddress> names, ProxyMetrics metrics) {
        this.names = names;
        this.metrics = metrics;
    }

    /** Returns a cached or synchronously resolvable target, or null when DNS is needed. */
    Target resolveNow(String authority) {
        Target t = cache.get(authority);
        if (t != null && !t.expired(System.nanoTime())) {
            return t;
        }
        String host = Authority.host(authority);
        InetSocketAddress mapped = names.get(authority);
        if (mapped == null) {
            mapped = names.get(host);
        }
        if (mapped != null) {
            return remember(authority, mapped, 0);
        }
        if (isIpLiteral(host)) {
            try {
                return remember(authority, new InetSocketAddress(InetAddress.getByName(host), Authority.port(authority)), 0);
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    /** Resolves by DNS off the event loop; completes on {@code executor}. */
    Future<Target> resolveAsync(String authority, EventExecutor executor) {
        Promise<Target> p = executor.newPromise();
        String host = Authority.host(authority);
        int port = Authority.port(authority);
        dns.execute(() -> {
            try {
                InetAddress a = InetAddress.getByName(host);
                p.trySuccess(remember(authority, new InetSocketAddress(a, port), System.nanoTime() + DNS_TTL_NANOS));
            } catch (UnknownHostException | SecurityException e) {
                p.tryFailure(e);
            } catch (RuntimeException e) {
                p.tryFailure(new UnknownHostException(host + ": " + e));
            }
        });
        return p;
    }

    /** A target for a known address (inbound, transparent mode). */
    Target target(InetSocketAddress address) {
        String key = address.getAddress().getHostAddress() + ':' + address.getPort();
        Target t = cache.get(key);
        return t != null ? t : remember(key, address, 0);
    }

    private Target remember(String key, InetSocketAddress address, long expiresAt) {
        Target t = new Target(address, metrics.limitPeer(address.getAddress().getHostAddress()), expiresAt);
        if (cache.size() < 10_000) {
            cache.put(key, t);
        }
        return t;
    }

    private static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    void close() {
        dns.shutdownNow();
    }
}
