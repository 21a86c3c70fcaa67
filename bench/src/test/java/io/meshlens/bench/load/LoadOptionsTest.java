package io.meshlens.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class LoadOptionsTest {
    @Test
    void parsesEveryOption() {
        LoadOptions o = LoadOptions.parse("--url", "http://127.0.5.3:4140/x", "--rate", "20000", "--protocol", "h2",
                "--duration", "500ms", "--warmup", "1m", "--connections", "4", "--authority", "backend-h2", "--tsv");
        assertThat(o.protocol()).isEqualTo("h2");
        assertThat(o.rate()).isEqualTo(20000.0);
        assertThat(o.duration()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.warmup()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.connections()).isEqualTo(4);
        assertThat(o.url().getPort()).isEqualTo(4140);
        assertThat(o.authority()).isEqualTo("backend-h2");
        assertThat(o.tsv()).isTrue();
    }

    @Test
    void rejectsMissingRateAndUnknownProtocol() {
        assertThatThrownBy(() -> LoadOptions.parse("--url", "http://x:1/")).hasMessageContaining("--rate");
        assertThatThrownBy(() -> LoadOptions.parse("--url", "http://x:1/", "--rate", "1", "--protocol", "h3"))
                .hasMessageContaining("h1, h2 or grpc");
    }
}
