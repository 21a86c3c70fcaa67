package io.meshlens.mixin.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.meshlens.proxy.PortMapping;
import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.ProxyServer;
import io.meshlens.proxy.RunningProxy;
import io.meshlens.proxy.testing.Backend;

/**
 * A "pod" on its own loopback IP in the mixin tests' range (127.0.2.0/24): a real HTTP app and a
 * real meshlens proxy in front of it, with an outbound listener whose connections leave from the
 * pod IP so that other proxies see this IP as the peer (as the exporter tests do on 127.0.1.x).
 */
public final class MeshPod implements AutoCloseable {
    public final String ip;
    public final Backend app;
    public final RunningProxy proxy;

    private MeshPod(String ip, Backend app, RunningProxy proxy) {
        this.ip = ip;
        this.app = app;
        this.proxy = proxy;
    }

    /**
     * @param names outbound name map {@code name -> host:port}
     * @param extra further proxy settings (route table, label limit)
     */
    public static MeshPod start(String ip, Map<String, InetSocketAddress> names, UnaryOperator<ProxyConfig.Builder> extra)
            throws Exception {
        Backend app = new Backend(ip);
        ProxyConfig.Builder b = ProxyConfig.builder()
                .inbound(new PortMapping(new InetSocketAddress(ip, 0), app.address()))
                .outbound(new InetSocketAddress(ip, 0))
                .admin(new InetSocketAddress(ip, 0))
                .sourceAddress(InetAddress.getByName(ip))
                .ioThreads(1);
        names.forEach(b::name);
        return new MeshPod(ip, app, ProxyServer.start(extra.apply(b).build()));
    }

    public InetSocketAddress inbound() {
        return new InetSocketAddress(ip, proxy.inboundPorts().get(0));
    }

    public InetSocketAddress outbound() {
        return new InetSocketAddress(ip, proxy.outboundPort());
    }

    public int adminPort() {
        return proxy.adminPort();
    }

    @Override
    public void close() {
        proxy.close();
        app.close();
    }
}
