package io.meshlens.exporter.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * kube-proxy's part for one Service port, in user space on loopback: accepts on the Service's
 * ClusterIP and port, picks the next backend round-robin, and connects to it from the caller's
 * own IP, as kube-proxy's DNAT keeps the source address. So the caller's proxy sees the ClusterIP
 * as its peer, and the backend's proxy sees the real caller.
 */
public final class ClusterIpForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final Supplier<List<InetSocketAddress>> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cluster-ip-forwarder");
        t.setDaemon(true);
        return t;
    });

    private ClusterIpForwarder(ServerSocket server, Supplier<List<InetSocketAddress>> backends) {
        this.server = server;
        this.backends = backends;
    }

    /** @param backends the Service's ready endpoints, asked again for each connection */
    public static ClusterIpForwarder start(InetSocketAddress clusterIp, Supplier<List<InetSocketAddress>> backends) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(clusterIp);
        ClusterIpForwarder f = new ClusterIpForwarder(s, backends);
        f.pool.execute(f::acceptLoop);
        return f;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket caller = server.accept();
                pool.execute(() -> forward(caller));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void forward(Socket caller) {
        List<InetSocketAddress> ready = backends.get();
        if (ready.isEmpty()) {
            closeQuietly(caller); // no endpoints: kube-proxy rejects the connection
            return;
        }
        InetSocketAddress backend = ready.get(Math.floorMod(next.getAndIncrement(), ready.size()));
        Socket upstream = new Socket();
        try {
            upstream.bind(new InetSocketAddress(caller.getInetAddress(), 0));
            upstream.connect(backend, 5_000);
        } catch (IOException e) {
            closeQuietly(upstream);
            closeQuietly(caller);
            return;
        }
        AtomicInteger open = new AtomicInteger(2);
        pool.execute(() -> pipe(upstream, caller, open));
        pipe(caller, upstream, open);
    }

    /**
     * Copies until end of stream and passes the half-close on; the last of the two directions to
     * end closes both sockets (closing a socket's stream would close the socket under the other).
     */
    private static void pipe(Socket from, Socket to, AtomicInteger open) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            open.set(1); // a reset ends both directions
        }
        if (open.decrementAndGet() <= 0) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        pool.shutdownNow();
    }
}
