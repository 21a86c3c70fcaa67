package io.meshlens.proxy.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshlens.proxy.ProxyServer;
import io.meshlens.proxy.RunningProxy;
import io.meshlens.proxy.testing.Proxies;

/**
 * h2spec 2.1.1 against a real HTTP/2 server (nghttpd, cleartext prior knowledge) directly and
 * through the proxy's inbound listener in front of it: the proxy must pass every case the
 * server passes on its own.
 */
class H2specIT {
    @Test
    void proxyPassesWhatTheServerPasses(@TempDir Path dir) throws Exception {
        Path docroot = Files.createDirectories(dir.resolve("docroot"));
        Files.writeString(docroot.resolve("index.html"), "hello\n");
        H2spec h2spec = H2spec.unpack(Files.createDirectories(dir.resolve("h2spec")));
        int port = ExternalServer.freePort();
        try (ExternalServer nghttpd = ExternalServer.start(
                List.of("nghttpd", "--no-tls", "-d", docroot.toString(), "--address=127.0.0.1", Integer.toString(port)), port, dir);
             RunningProxy proxy = ProxyServer.start(Proxies.config(nghttpd.address()).build())) {
            Map<String, H2spec.Case> direct = h2spec.run(nghttpd.port(), "direct");
            Map<String, H2spec.Case> proxied = h2spec.run(proxy.inboundPorts().get(0), "proxied");

            long directPassed = direct.values().stream().filter(H2spec.Case::passed).count();
            long proxiedPassed = proxied.values().stream().filter(H2spec.Case::passed).count();
            System.out.printf("h2spec: nghttpd direct %d/%d passed, through the proxy %d/%d%n",
                    directPassed, direct.size(), proxiedPassed, proxied.size());

            assertThat(proxied.keySet()).as("same suite both ways").isEqualTo(direct.keySet());
            assertThat(directPassed).as("nghttpd passes most of h2spec (else the setup is broken)")
                    .isGreaterThan(direct.size() - 5L);
            Map<String, String> regressions = new TreeMap<>();
            direct.values().stream().filter(H2spec.Case::passed)
                    .map(c -> proxied.get(c.id()))
                    .filter(c -> !c.passed())
                    .forEach(c -> regressions.put(c.id(), c.title() + " -> " + c.failure().replace('\n', ' ')));
            assertThat(regressions).as("cases nghttpd passes but the proxy fails").isEmpty();
        }
    }
}
