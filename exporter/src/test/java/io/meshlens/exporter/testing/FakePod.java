package io.meshlens.exporter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.meshlens.proxy.PortMapping;
import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.ProxyServer;
import io.meshlens.proxy.RunningProxy;
import io.meshlens.proxy.testing.Backend;

/**
 * A "pod" on its own loopback IP: a real app (the proxy tests' HTTP backend) and a real meshlens
 * proxy in front of it (inbound), with an outbound listener whose upstream connections leave
 * from the pod IP, so that other proxies see this IP as the peer.
 */
public final class FakePod implements AutoCloseable {
    public final String ip;
    public final Backend app;
    public final RunningProxy proxy;

    private FakePod(String ip, Backend app, RunningProxy proxy) {
        this.ip = ip;
        this.app = app;
        this.proxy = proxy;
    }

    /** @param names outbound name map entries {@code name -> host:port} */
    public static FakePod start(String ip, java.util.Map<String, InetSocketAddress> names) throws Exception {
        return start(ip, names, 0);
    }

    /** @param adminPort the admin port (as every pod of a template declares the same), 0 for any */
    public static FakePod start(String ip, java.util.Map<String, InetSocketAddress> names, int adminPort) throws Exception {
        Backend app = new Backend(ip);
        ProxyConfig.Builder b = ProxyConfig.builder()
                .inbound(new PortMapping(new InetSocketAddress(ip, 0), app.address()))
                .outbound(new InetSocketAddress(ip, 0))
                .admin(new InetSocketAddress(ip, adminPort))
                .sourceAddress(addr(ip))
                .ioThreads(1);
        names.forEach(b::name);
        return new FakePod(ip, app, ProxyServer.start(b.build()));
    }

    public InetSocketAddress inbound() {
        return new InetSocketAddress(ip, proxy.inboundPorts().get(0));
    }

    public InetSocketAddress outbound() {
        return new InetSocketAddress(ip, proxy.outboundPort());
    }

    /**
     * Sends {@code times} HTTP/1.1 GETs of {@code url} through this pod's outbound listener, as
     * its app would, each answered with {@code expectedStatus}.
     */
    public void get(String url, int expectedStatus, int times) throws IOException, InterruptedException {
        HttpClient viaProxy = HttpClient.newBuilder().proxy(ProxySelector.of(outbound())).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < times; i++) {
            assertThat(viaProxy.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).as(url).isEqualTo(expectedStatus);
        }
    }

    public int adminPort() {
        return proxy.adminPort();
    }

    private static InetAddress addr(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    @Override
    public void close() {
        proxy.close();
        app.close();
    }
}
