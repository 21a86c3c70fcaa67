package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.Proxies;

/** HTTP/2 limits: what the proxy announces in SETTINGS comes from the configuration; idle connections end. */
class Http2LimitsTest {
    private static final int SETTINGS = 0x4;
    private static final int MAX_CONCURRENT_STREAMS = 0x3;
    private static final int MAX_HEADER_LIST_SIZE = 0x6;
    private static final int GOAWAY = 0x7;

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10000);
        OutputStream out = s.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {0, 0, 0, SETTINGS, 0, 0, 0, 0, 0}); // empty SETTINGS
        out.flush();
        return s;
    }

    /** Speaks the client preface and returns the parameters of the server's first SETTINGS frame. */
    private static Map<Integer, Long> serverSettings(int port) throws IOException {
        try (Socket s = connect(port)) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (true) {
                int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                in.readInt(); // stream id
                byte[] payload = in.readNBytes(length);
                if (type == SETTINGS && (flags & 0x1) == 0) {
                    Map<Integer, Long> settings = new HashMap<>();
                    for (int i = 0; i + 6 <= payload.length; i += 6) {
                        int id = ((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff);
                        long value = ((long) (payload[i + 2] & 0xff) << 24) | ((payload[i + 3] & 0xff) << 16)
                                     | ((payload[i + 4] & 0xff) << 8) | (payload[i + 5] & 0xff);
                        settings.put(id, value);
                    }
                    return settings;
                }
            }
        }
    }

    @Test
    void announcesConfiguredMaxConcurrentStreamsAndHeaderListSize() throws Exception {
        try (Backend app = new Backend();
             RunningProxy p = ProxyServer.start(Proxies.config(app.address())
                     .http2MaxConcurrentStreams(7).maxHeaderSize(5000).build())) {
            Map<Integer, Long> s = serverSettings(p.inboundPorts().get(0));
            assertThat(s).containsEntry(MAX_CONCURRENT_STREAMS, 7L).containsEntry(MAX_HEADER_LIST_SIZE, 5000L);
        }
    }

    @Test
    void defaultIsOneHundredStreams() throws Exception {
        try (Backend app = new Backend();
             RunningProxy p = ProxyServer.start(Proxies.config(app.address()).build())) {
            assertThat(serverSettings(p.outboundPort())).containsEntry(MAX_CONCURRENT_STREAMS, 100L);
        }
    }

    @Test
    void connectionWithoutStreamsGetsGoAwayAfterIdleTimeout() throws Exception {
        try (Backend app = new Backend();
             RunningProxy p = ProxyServer.start(Proxies.config(app.address()).idleTimeout(Duration.ofMillis(300)).build());
             Socket s = connect(p.inboundPorts().get(0))) {
            long t0 = System.nanoTime();
            DataInputStream in = new DataInputStream(s.getInputStream());
            long goAwayError = -1;
            try {
                while (true) {
                    int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                    int type = in.readUnsignedByte();
                    in.readUnsignedByte();
                    in.readInt();
                    byte[] payload = in.readNBytes(length);
                    if (type == GOAWAY) {
                        goAwayError = ((long) (payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16)
                                      | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
                    }
                }
            } catch (EOFException closed) {
                // the proxy closed the connection after its GOAWAY
            }
            assertThat(goAwayError).isZero(); // GOAWAY(NO_ERROR)
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(250);
        }
    }
}
