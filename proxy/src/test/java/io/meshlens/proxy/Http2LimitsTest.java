package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.H2App;
import io.meshlens.proxy.testing.Proxies;

/** HTTP/2 limits: what the proxy announces in SETTINGS comes from the configuration; idle connections end. */
class Http2LimitsTest {
    private static final int SETTINGS = 0x4;
    private static final int MAX_CONCURRENT_STREAMS = 0x3;
    private static final int MAX_HEADER_LIST_SIZE = 0x6;
    private static final int GOAWAY = 0x7;
    private static final int HEADERS = 0x1;
    private static final int DATA = 0x0;
    private static final int RST_STREAM = 0x3;
    private static final int WINDOW_UPDATE = 0x8;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int ACK = 0x1;
    private static final long REFUSED_STREAM = 0x7;
    private static final long ENHANCE_YOUR_CALM = 0xb;
    /** HPACK, static table only: :method GET, :scheme http, :path /, :authority "x". */
    private static final byte[] GET = {(byte) 0x82, (byte) 0x86, (byte) 0x84, 0x41, 0x01, 'x'};

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
                Frame f = readFrame(in);
                byte[] payload = f.payload();
                if (f.type() == SETTINGS && (f.flags() & ACK) == 0) {
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
                    Frame f = readFrame(in);
                    if (f.type() == GOAWAY) {
                        goAwayError = u32(f.payload(), 4);
                    }
                }
            } catch (EOFException closed) {
                // the proxy closed the connection after its GOAWAY
            }
            assertThat(goAwayError).isZero(); // GOAWAY(NO_ERROR)
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(250);
        }
    }

    private static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (streamId >>> 24);
        f[6] = (byte) (streamId >>> 16);
        f[7] = (byte) (streamId >>> 8);
        f[8] = (byte) streamId;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    private record Frame(int type, int flags, int streamId, byte[] payload) {}

    private static Frame readFrame(DataInputStream in) throws IOException {
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int streamId = in.readInt() & 0x7fffffff;
        return new Frame(type, flags, streamId, in.readNBytes(length));
    }

    private static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /** How the proxy ended the streams of one burst, read until all {@code streams} ended or a GOAWAY. */
    private static final class Outcome {
        final Set<Integer> answered = new HashSet<>();
        final Set<Integer> refused = new HashSet<>();
        final Map<Integer, Long> otherResets = new HashMap<>();
        final Map<Integer, Byte> firstHeaderByte = new HashMap<>();
        long goAwayError = -1;

        /** {@code streams}: how many ended streams to wait for ({@code Integer.MAX_VALUE}: until a GOAWAY). */
        static Outcome read(Socket s, int streams) throws IOException {
            Outcome o = new Outcome();
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (o.answered.size() + o.refused.size() + o.otherResets.size() < streams) {
                Frame f = readFrame(in);
                int type = f.type();
                int flags = f.flags();
                int id = f.streamId();
                byte[] payload = f.payload();
                if (type == HEADERS && payload.length > 0) {
                    o.firstHeaderByte.putIfAbsent(id, payload[0]);
                }
                if ((type == HEADERS || type == DATA) && (flags & END_STREAM) != 0) {
                    o.answered.add(id);
                } else if (type == RST_STREAM) {
                    long code = u32(payload, 0);
                    if (code == REFUSED_STREAM) {
                        o.refused.add(id);
                    } else {
                        o.otherResets.put(id, code);
                    }
                } else if (type == GOAWAY) {
                    o.goAwayError = u32(payload, 4);
                    return o;
                }
            }
            return o;
        }
    }

    /** The proxy's SETTINGS acknowledged unseen (it sends them first), then {@code n} requests at once. */
    private static void burst(Socket s, int n) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(frame(SETTINGS, ACK, 0, new byte[0]));
        for (int i = 0; i < n; i++) {
            b.write(frame(HEADERS, END_STREAM | END_HEADERS, 1 + 2 * i, GET));
        }
        s.getOutputStream().write(b.toByteArray());
        s.getOutputStream().flush();
    }

    // RFC 9113 5.1.2: streams above the announced limit are refused (REFUSED_STREAM: the caller
    // may retry them). A caller may open them before it has seen the proxy's SETTINGS; Netty's
    // limit on RST_STREAM frames sent (MadeYouReset) counted those refusals and ended such a
    // caller's connection after 200 of them with GOAWAY(ENHANCE_YOUR_CALM).
    @Test
    void streamsAboveTheLimitAreRefusedAndTheConnectionKeepsServing() throws Exception {
        try (H2App app = new H2App();
             RunningProxy p = ProxyServer.start(Proxies.config(app.address()).http2MaxConcurrentStreams(2).build());
             Socket s = connect(p.inboundPorts().get(0))) {
            burst(s, 300);
            Outcome o = Outcome.read(s, 300);
            assertThat(o.goAwayError).isEqualTo(-1);
            assertThat(o.otherResets).isEmpty();
            assertThat(o.refused.size()).isGreaterThan(200); // beyond Netty's 200 per 30 s
            assertThat(o.answered).isNotEmpty().allSatisfy(id -> assertThat(o.firstHeaderByte).containsEntry(id, (byte) 0x88));
            // the caller retries one of them on the same connection: answered 200 (:status 200 is HPACK index 8)
            s.getOutputStream().write(frame(HEADERS, END_STREAM | END_HEADERS, 601, GET));
            s.getOutputStream().flush();
            Outcome retry = Outcome.read(s, 1);
            assertThat(retry.answered).containsExactly(601);
            assertThat(retry.firstHeaderByte).containsEntry(601, (byte) 0x88);
        }
    }

    // The MadeYouReset mitigation still holds for the resets a caller provokes on streams it
    // opened: HEADERS, then a WINDOW_UPDATE of 0 on that stream (a stream error, RFC 9113 6.9),
    // 201 times: reset with PROTOCOL_ERROR each, and the 201st ends the connection.
    @Test
    void moreThanTwoHundredProvokedResetsEndTheConnection() throws Exception {
        try (H2App app = new H2App();
             RunningProxy p = ProxyServer.start(Proxies.config(app.address()).build());
             Socket s = connect(p.inboundPorts().get(0))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(frame(SETTINGS, ACK, 0, new byte[0]));
            for (int i = 0; i < 201; i++) {
                b.write(frame(HEADERS, END_HEADERS, 1 + 2 * i, GET));
                b.write(frame(WINDOW_UPDATE, 0, 1 + 2 * i, new byte[4]));
            }
            s.getOutputStream().write(b.toByteArray());
            s.getOutputStream().flush();
            Outcome o = Outcome.read(s, Integer.MAX_VALUE); // until the GOAWAY
            assertThat(o.goAwayError).isEqualTo(ENHANCE_YOUR_CALM);
            assertThat(o.otherResets).hasSize(201);
            assertThat(new HashSet<>(o.otherResets.values())).containsExactly(0x1L); // PROTOCOL_ERROR each
        }
    }
}
