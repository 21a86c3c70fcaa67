package io.meshlens.cli.demo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;

import io.meshlens.proxy.PortMapping;
import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.ProxyServer;
import io.meshlens.proxy.RunningProxy;
import io.meshlens.proxy.routes.RouteTable;

/**
 * One "pod" of the local demo: its own loopback IP, the app's process-local server (started by
 * the caller) and a real meshlens proxy beside it - inbound in front of the app, outbound for
 * the app's calls, the admin port for the exporter. Upstream connections leave from the pod IP,
 * so every other proxy sees this pod as the peer, as in a cluster.
 */
final class DemoPod implements AutoCloseable {
    static final int APP_PORT = 8080;
    static final int INBOUND_PORT = 4143;
    static final int OUTBOUND_PORT = 4140;
    static final int ADMIN_PORT = 4191;

    final String workload;
    final String name;
    final String ip;
    final RunningProxy proxy;

    private DemoPod(String workload, String name, String ip, RunningProxy proxy) {
        this.workload = workload;
        this.name = name;
        this.ip = ip;
        this.proxy = proxy;
    }

    /**
     * @param app where the app listens (on the pod IP); null for a client-only app (no inbound listener)
     * @param names the outbound name map: Service name -> the callee pod's inbound proxy
     * @param fixedPorts the well-known ports ({@code 4143/4140/4191}) or ephemeral ones (tests)
     */
    static DemoPod start(String namespace, String workload, String name, String ip, InetSocketAddress app,
                         Map<String, InetSocketAddress> names, RouteTable routes, boolean fixedPorts) {
        ProxyConfig.Builder b = ProxyConfig.builder();
        if (app != null) {
            b.inbound(new PortMapping(new InetSocketAddress(ip, fixedPorts ? INBOUND_PORT : 0), app));
        } else {
            b.inbound(); // no listener (the default would be 0.0.0.0:4143)
        }
        b.outbound(new InetSocketAddress(ip, fixedPorts ? OUTBOUND_PORT : 0))
                .admin(new InetSocketAddress(ip, fixedPorts ? ADMIN_PORT : 0))
                .sourceAddress(address(ip))
                .identity(namespace, name, workload)
                .routes(routes)
                .ioThreads(1);
        names.forEach(b::name);
        return new DemoPod(workload, name, ip, ProxyServer.start(b.build()));
    }

    InetSocketAddress inbound() {
        return new InetSocketAddress(ip, proxy.inboundPorts().get(0));
    }

    InetSocketAddress outbound() {
        return new InetSocketAddress(ip, proxy.outboundPort());
    }

    InetSocketAddress admin() {
        return new InetSocketAddress(ip, proxy.adminPort());
    }

    static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP: " + ip, e);
        }
    }

    @Override
    public void close() {
        proxy.close();
    }
}
