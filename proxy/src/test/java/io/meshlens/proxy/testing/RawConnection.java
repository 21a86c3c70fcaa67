package io.meshlens.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One raw HTTP/1.1 connection kept open across requests, for tests that care about what happens
 * between and inside request heads (keep-alive, trickled bytes, the server closing).
 */
public final class RawConnection implements AutoCloseable {
    /** A response: status line, header block (lower-cased names) and body. */
    public record Response(int status, String head, String body) {}

    private final Socket socket;
    private final InputStream in;

    public RawConnection(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15000);
        in = socket.getInputStream();
    }

    public void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Reads one response with a {@code content-length} body. */
    public Response readResponse() throws IOException {
        String head = RawServer.readHead(in);
        if (head.isEmpty()) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(head.substring(9, 12));
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return new Response(status, head.toLowerCase(Locale.ROOT), new String(body, StandardCharsets.ISO_8859_1));
    }

    /** Everything the server sends until it closes; throws if it has not closed within the read timeout. */
    public String readUntilClosed() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("server did not close; read so far: " + out, e);
        } catch (java.net.SocketException e) {
            // reset after the server closed: what was read is the answer
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
