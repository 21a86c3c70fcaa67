package io.meshlens.proxy.internal.http;

import java.net.InetSocketAddress;

import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;

/**
 * Where one caller connection's exchanges go. Inbound: the app (the original destination's port
 * on loopback in transparent mode), looked up once per connection. Outbound: the request's
 * authority through the name map, IP literals or DNS (off the event loop), else the original
 * destination in transparent mode, else a {@code no_route} failure.
 */
public final class TargetResolver {
    /** Receives the target, or the failure that ends the exchange. */
    public interface Callback {
        void onTarget(Target target);

        void onFailure(Failure failure);
    }

    private final NameResolver names;
    private final Listener listener;
    private final Channel accepted;
    private Target inbound;

    public TargetResolver(HttpContext http, Listener listener, Channel accepted) {
        this.names = http.names();
        this.listener = listener;
        this.accepted = accepted;
    }

    /** Resolves {@code ex}'s target; an answer for an exchange that ended meanwhile is dropped. */
    public void resolve(Exchange ex, Callback cb) {
        if (listener.inbound()) {
            if (inbound == null) {
                inbound = names.target(listener.inboundTarget(accepted));
            }
            cb.onTarget(inbound);
            return;
        }
        String authority = ex.authority();
        if (authority.isEmpty() || Authority.port(authority) < 0) {
            InetSocketAddress od = listener.originalDestination(accepted);
            if (od == null) {
                cb.onFailure(new Failure(ProxyError.NO_ROUTE, 502,
                        authority.isEmpty() ? "request has no authority (Host)" : "invalid authority " + authority));
                return;
            }
            cb.onTarget(names.target(od));
            return;
        }
        Target t = names.resolveNow(authority);
        if (t != null) {
            cb.onTarget(t);
            return;
        }
        long id = ex.id();
        names.resolveAsync(authority, accepted.eventLoop()).addListener((Future<Target> f) -> {
            if (!ex.isCurrent(id)) {
                return;
            }
            if (f.isSuccess()) {
                cb.onTarget(f.getNow());
            } else {
                cb.onFailure(new Failure(ProxyError.DNS_FAILURE, 502, "cannot resolve " + Authority.host(authority)));
            }
        });
    }
}
