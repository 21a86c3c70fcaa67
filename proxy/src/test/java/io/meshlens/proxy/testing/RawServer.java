package io.meshlens.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A misbehaving upstream for tests: each accepted connection runs {@code behaviour}. */
public final class RawServer implements AutoCloseable {
    /** What to do with one accepted connection. */
    public interface Behaviour {
        void handle(Socket s) throws IOException;
    }

    private final ServerSocket server;
    private final Thread thread;

    public RawServer(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        thread = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    new Thread(() -> {
                        try (s) {
                            behaviour.handle(s);
                        } catch (IOException ignored) {
                            // the point of these servers is to misbehave
                        }
                    }).start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "raw-server");
        thread.setDaemon(true);
        thread.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Reads an HTTP/1 request head (up to the blank line). */
    public static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return b.toString();
    }

    public static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
