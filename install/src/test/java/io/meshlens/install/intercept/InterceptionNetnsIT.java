package io.meshlens.install.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transparent interception, proven with real Linux network namespaces, veth, iptables and
 * processes: an unmodified client (curl) in namespace A calls an unmodified HTTP server in
 * namespace B by IP. Each namespace holds what a meshed pod would: the init container's rules
 * (the very script inject writes) and a proxy process running as the proxy uid. The client's
 * connection is redirected into proxy A's outbound listener, proxy A connects out (its own
 * traffic is not redirected), B's rules redirect it into proxy B's inbound listener, and proxy B
 * forwards to the port the client asked for, recovered with SO_ORIGINAL_DST. Both proxies count
 * the exchange with the other side's address as the peer.
 *
 * <p>Needs root and permission to create network namespaces; elsewhere (an unprivileged
 * container) it is skipped with a message saying so.
 */
class InterceptionNetnsIT {
    static final int PROXY_UID = 2102;
    static final String ID = Long.toString(ProcessHandle.current().pid() % 100000);
    static final String A = "ml-a-" + ID;
    static final String B = "ml-b-" + ID;
    static final String IF_A = "mla" + ID;
    static final String IF_B = "mlb" + ID;
    static final String IP_A = "10.4.0.1";
    static final String IP_B = "10.4.0.2";

    static Path work;
    static final List<Process> processes = new ArrayList<>();
    static boolean namespaces;

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "network namespaces need Linux");
        Netns.Result add = Netns.run("ip", "netns", "add", A);
        Assumptions.assumeTrue(add.exit() == 0,
                "SKIPPED: creating network namespaces is not permitted here (ip netns add: " + add.err().strip()
                        + "); run as root on a host or privileged container to prove interception");
        namespaces = true;
        Netns.host("ip", "netns", "add", B);
        Netns.host("ip", "link", "add", IF_A, "type", "veth", "peer", "name", IF_B);
        Netns.host("ip", "link", "set", IF_A, "netns", A);
        Netns.host("ip", "link", "set", IF_B, "netns", B);
        for (String[] n : new String[][] {{A, IF_A, IP_A}, {B, IF_B, IP_B}}) {
            Netns.exec(n[0], "ip", "addr", "add", n[2] + "/24", "dev", n[1]);
            Netns.exec(n[0], "ip", "link", "set", n[1], "up");
            Netns.exec(n[0], "ip", "link", "set", "lo", "up");
        }
        // The init containers' scripts, as inject generates them: pod A declares no ports (every
        // inbound port is intercepted; its app listens on 7070) and skips outbound 8081 (to prove
        // skipping); pod B declares 8080 and 8081.
        Netns.exec(A, "sh", "-c", rulesA().script());
        Netns.exec(B, "sh", "-c", rulesB().script());

        work = Files.createTempDirectory("meshlens-netns");
        Path cp = work.resolve("cp");
        Path tmp = work.resolve("tmp");
        Files.createDirectories(cp);
        Files.createDirectories(tmp);
        // The proxy runs as an unprivileged uid that cannot read root's Maven repository.
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Paths.get(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                Path copy = cp.resolve(jars.size() + "-" + p.getFileName());
                Files.copy(p, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                jars.add(copy.toString());
            }
        }
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(cp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        String proxyCp = String.join(File.pathSeparator, jars);

        start("server-b", List.of("ip", "netns", "exec", B, java(), "-cp", System.getProperty("java.class.path"),
                PortEchoServer.class.getName(), "8080", "8081"), Map.of());
        start("server-a", List.of("ip", "netns", "exec", A, java(), "-cp", System.getProperty("java.class.path"),
                PortEchoServer.class.getName(), "7070"), Map.of());
        // Both pods' proxies as inject configures them. The inbound fallback target (port 9) is
        // wrong on purpose: only SO_ORIGINAL_DST can find the port the caller asked for.
        start("proxy-a", proxyCommand(A, proxyCp, tmp), Map.of(
                "MESHLENS_INBOUND", "0.0.0.0:4143=127.0.0.1:9", "MESHLENS_OUTBOUND", "127.0.0.1:4140", "MESHLENS_ADMIN", "0.0.0.0:4191",
                "MESHLENS_TRANSPARENT", "true", "MESHLENS_NAMESPACE", "test", "MESHLENS_POD", "client-0", "MESHLENS_WORKLOAD", "client"));
        start("proxy-b", proxyCommand(B, proxyCp, tmp), Map.of(
                "MESHLENS_INBOUND", "0.0.0.0:4143=127.0.0.1:9", "MESHLENS_OUTBOUND", "127.0.0.1:4140", "MESHLENS_ADMIN", "0.0.0.0:4191",
                "MESHLENS_TRANSPARENT", "true", "MESHLENS_NAMESPACE", "test", "MESHLENS_POD", "server-0", "MESHLENS_WORKLOAD", "server"));
        for (String ns : List.of(A, B)) {
            await("proxy in " + ns + " ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> curl(ns, "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:4191/ready").equals("200"));
        }
        await("servers ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> curl(B, "-s", "http://127.0.0.1:8080/").startsWith("port=8080") && curl(A, "-s", "http://127.0.0.1:7070/").startsWith("port=7070"));
    }

    static InterceptionRules rulesA() {
        return InterceptionRules.builder().proxyUid(PROXY_UID).skipOutboundPorts(PortRanges.parse("8081")).build();
    }

    static InterceptionRules rulesB() {
        return InterceptionRules.builder().proxyUid(PROXY_UID).inboundPorts(PortRanges.ofPorts(List.of(8080, 8081))).build();
    }

    private static List<String> proxyCommand(String ns, String cp, Path tmp) {
        return List.of("ip", "netns", "exec", ns, "setpriv", "--reuid=" + PROXY_UID, "--regid=" + PROXY_UID, "--clear-groups",
                java(), "-XX:-UsePerfData", "-Xmx128m", "-Djava.io.tmpdir=" + tmp, "-cp", cp, "io.meshlens.proxy.Main");
    }

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void start(String name, List<String> cmd, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile());
        pb.environment().putAll(env);
        pb.environment().put("HOME", work.toString());
        processes.add(pb.start());
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        if (namespaces) {
            Netns.run("ip", "netns", "del", A);
            Netns.run("ip", "netns", "del", B);
        }
        if (work != null) {
            // the copied class path alone is ~50 MB per run
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    static String curl(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "curl", "-m", "10"));
        cmd.addAll(List.of(args));
        return Netns.run(cmd).out();
    }

    @Test
    void anUnmodifiedClientReachesAnUnmodifiedServerThroughBothProxiesAndBothCountIt() {
        double outBefore = requests(A, "outbound", IP_B);
        double inBefore = requests(B, "inbound", IP_A);
        // curl runs as root in A: its connection to B is redirected into proxy A.
        String body = curl(A, "-s", "http://" + IP_B + ":8080/hello");
        // The server saw a loopback caller: proxy B, not the client, connected to it.
        assertThat(body).isEqualTo("port=8080 from=127.0.0.1\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(requests(A, "outbound", IP_B)).isEqualTo(outBefore + 1);
            assertThat(requests(B, "inbound", IP_A)).isEqualTo(inBefore + 1);
        });
        assertThat(metrics(A)).contains("meshlens_proxy_info{").contains("pod=\"client-0\"");
    }

    @Test
    void theOtherDirectionToo() {
        double outBefore = requests(B, "outbound", IP_A);
        double inBefore = requests(A, "inbound", IP_B);
        assertThat(curl(B, "-s", "http://" + IP_A + ":7070/back")).isEqualTo("port=7070 from=127.0.0.1\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(requests(B, "outbound", IP_A)).isEqualTo(outBefore + 1);
            assertThat(requests(A, "inbound", IP_B)).isEqualTo(inBefore + 1);
        });
    }

    @Test
    void theInboundProxyForwardsToThePortTheClientAsked() {
        // Proxy B's configured target is port 9; only the recovered original port reaches 8081.
        double before = requests(B, "inbound", IP_A);
        assertThat(curl(A, "-s", "http://" + IP_B + ":8081/")).isEqualTo("port=8081 from=127.0.0.1\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(requests(B, "inbound", IP_A)).isEqualTo(before + 1));
    }

    @Test
    void aRequestWithoutHostIsRoutedByTheOriginalDestination() {
        double before = requests(A, "outbound", IP_B);
        // HTTP/1.0 with the Host header removed: the authority is unknown, SO_ORIGINAL_DST is not.
        assertThat(curl(A, "-s", "--http1.0", "-H", "Host:", "http://" + IP_B + ":8080/")).isEqualTo("port=8080 from=127.0.0.1\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(requests(A, "outbound", IP_B)).isEqualTo(before + 1));
    }

    @Test
    void skippedOutboundPortsBypassTheClientsProxy() {
        double before = outboundTo(A, IP_B + ":8081");
        // Port 8081 is skipped in A: the client talks straight to B (whose inbound proxy still counts it).
        assertThat(curl(A, "-s", "http://" + IP_B + ":8081/")).isEqualTo("port=8081 from=127.0.0.1\n");
        assertThat(outboundTo(A, IP_B + ":8081")).isEqualTo(before).isZero();
    }

    @Test
    void theRulesScriptIsIdempotent() {
        String before = Netns.exec(B, "iptables", "-t", "nat", "-S");
        Netns.exec(B, "sh", "-c", rulesB().script());
        assertThat(Netns.exec(B, "iptables", "-t", "nat", "-S")).isEqualTo(before);
        assertThat(before).contains("-A OUTPUT -p tcp -j MESHLENS_OUTBOUND", "--uid-owner " + PROXY_UID,
                "-A MESHLENS_INBOUND -p tcp -m multiport --dports 8080,8081 -j REDIRECT --to-ports 4143");
    }

    private static String metrics(String ns) {
        return curl(ns, "-s", "http://127.0.0.1:4191/metrics");
    }

    /** Sum of meshlens_requests_total for one direction and peer. */
    private static double requests(String ns, String direction, String peer) {
        return sum(metrics(ns), "meshlens_requests_total", "direction=\"" + direction + "\"", "peer=\"" + peer + "\"");
    }

    private static double outboundTo(String ns, String authority) {
        return sum(metrics(ns), "meshlens_requests_total", "direction=\"outbound\"", "authority=\"" + authority + "\"");
    }

    private static double sum(String text, String name, String... labels) {
        double total = 0;
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)").matcher(text);
        while (m.find()) {
            boolean all = true;
            for (String l : labels) {
                all &= m.group(1).contains(l);
            }
            if (all) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
