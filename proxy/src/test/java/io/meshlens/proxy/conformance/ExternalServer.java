package io.meshlens.proxy.conformance;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * A real server process (nghttpd, nginx) on a loopback port, started by a test and stopped when
 * closed. Its output goes to a log file that failures quote.
 */
final class ExternalServer implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private ExternalServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts {@code command} and waits until {@code port} on 127.0.0.1 accepts connections.
     * A missing binary fails with the setup hint, since the tests run the real thing.
     */
    static ExternalServer start(List<String> command, int port, Path dir) throws IOException {
        requireNonNull(command, "command");
        requireBinary(command.get(0));
        Path log = dir.resolve(Path.of(command.get(0)).getFileName() + ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        ExternalServer server = new ExternalServer(p, log, port);
        try {
            Awaitility.await(command.get(0) + " listening on " + port).atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + server.log());
                        }
                        return accepts(port);
                    });
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    static void requireBinary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, name)) || Files.isExecutable(Path.of(name))) {
                return;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return;
            }
        }
        throw new IllegalStateException(name + ": not found on PATH (expected: installed; hint: run scripts/setup.sh)");
    }

    /** A port on 127.0.0.1 that was free a moment ago, for servers that cannot report an ephemeral one. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    int port() {
        return port;
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
