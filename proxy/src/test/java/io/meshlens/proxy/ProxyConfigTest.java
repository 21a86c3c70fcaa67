package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        ProxyConfig c = ConfigLoader.fromEnvironment(Map.of());
        assertThat(c.inbound()).hasSize(1);
        assertThat(c.inbound().get(0).toString()).isEqualTo("0.0.0.0:4143=127.0.0.1:8080");
        assertThat(c.outbound().getPort()).isEqualTo(4140);
        assertThat(c.admin().getPort()).isEqualTo(4191);
        assertThat(c.labelLimit()).isEqualTo(512);
        assertThat(c.headerReadTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.maxConnections()).isEqualTo(10000);
        assertThat(c.http2MaxConcurrentStreams()).isEqualTo(100);
        assertThat(c.isGrpcFailure(2)).isTrue();   // UNKNOWN
        assertThat(c.isGrpcFailure(5)).isFalse();  // NOT_FOUND
        assertThat(c.isGrpcFailure(-1)).isFalse();
    }

    @Test
    void environmentParsed() {
        ProxyConfig c = ConfigLoader.fromEnvironment(Map.of(
                "MESHLENS_INBOUND", "127.0.0.1:4143=127.0.0.1:8080, 127.0.0.1:4144=127.0.0.1:9090",
                "MESHLENS_NAMES", "web=127.0.1.1:4143,emoji=127.0.1.2:4143",
                "MESHLENS_CONNECT_TIMEOUT", "250ms",
                "MESHLENS_DRAIN_TIMEOUT", "2s",
                "MESHLENS_SOURCE_ADDRESS", "127.0.1.3",
                "MESHLENS_GRPC_FAILURE_CODES", "INTERNAL,14",
                "MESHLENS_HEADER_READ_TIMEOUT", "3s",
                "MESHLENS_MAX_CONNECTIONS", "500",
                "MESHLENS_H2_MAX_CONCURRENT_STREAMS", "250"));
        assertThat(c.inbound()).hasSize(2);
        assertThat(c.names()).containsOnlyKeys("web", "emoji");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.sourceAddress().getHostAddress()).isEqualTo("127.0.1.3");
        assertThat(c.isGrpcFailure(13)).isTrue();
        assertThat(c.isGrpcFailure(14)).isTrue();
        assertThat(c.isGrpcFailure(2)).isFalse();
        assertThat(c.headerReadTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.maxConnections()).isEqualTo(500);
        assertThat(c.http2MaxConcurrentStreams()).isEqualTo(250);
    }

    @Test
    void limitErrorsNameKeyAndValue() {
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_HEADER_READ_TIMEOUT", "0s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MESHLENS_HEADER_READ_TIMEOUT: 0s (expected: > 0)");
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_HEADER_READ_TIMEOUT", "slow")))
                .hasMessageContaining("MESHLENS_HEADER_READ_TIMEOUT: slow");
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_MAX_CONNECTIONS", "-1")))
                .hasMessageContaining("MESHLENS_MAX_CONNECTIONS: -1 (expected: > 0)");
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_H2_MAX_CONCURRENT_STREAMS", "many")))
                .hasMessageContaining("MESHLENS_H2_MAX_CONCURRENT_STREAMS: many (expected: an integer)");
    }

    @Test
    void yamlFileWithEnvironmentOverride() throws Exception {
        Path f = dir.resolve("proxy.yaml");
        Files.writeString(f, "outbound: 127.0.0.1:5140\nconnect:\n  timeout: 3s\nlabel.limit: 7\nnames:\n  - web=127.0.1.1:80\n");
        ProxyConfig c = ConfigLoader.fromEnvironment(Map.of("MESHLENS_CONFIG", f.toString(), "MESHLENS_LABEL_LIMIT", "9"));
        assertThat(c.outbound().getPort()).isEqualTo(5140);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.labelLimit()).isEqualTo(9);
        assertThat(c.names()).containsKey("web");
    }

    @Test
    void errorsNameKeyAndValue() {
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_CONNECT_TIMEOUT", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MESHLENS_CONNECT_TIMEOUT: soon");
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_INBOUND", "4143:8080")))
                .hasMessageContaining("MESHLENS_INBOUND: 4143:8080");
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_LABEL_LIMIT", "0")))
                .hasMessageContaining("MESHLENS_LABEL_LIMIT: 0 (expected: > 0)");
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_ADMIN", "127.0.0.1:99999")))
                .hasMessageContaining("MESHLENS_ADMIN");
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_GRPC_FAILURE_CODES", "SOMETIMES")))
                .hasMessageContaining("SOMETIMES");
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_INBOUND", "", "MESHLENS_OUTBOUND", "")))
                .hasMessageContaining("at least one listener");
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_ROUTES", dir.resolve("missing.yaml").toString())))
                .hasMessageContaining("MESHLENS_ROUTES");
    }

    @Test
    void unknownYamlKeyRejected() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "conect.timeout: 3s\n");
        assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("MESHLENS_CONFIG", f.toString())))
                .hasMessageContaining("unknown key conect.timeout");
    }
}
