package io.meshlens.install.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The injected sidecar runs with the JVM flags the benchmarks measured (bench/jvm-flags.sh). */
class ProxyJvmOptionsTest {
    @Test
    void sidecarUsesTheBenchmarkedFlags() throws Exception {
        String script = Files.readString(Path.of("..", "bench", "jvm-flags.sh"));
        Matcher m = Pattern.compile("(?m)^ML_DOCUMENTED_JAVA_OPTS=\"([^\"]+)\"").matcher(script);
        assertThat(m.find()).as("ML_DOCUMENTED_JAVA_OPTS in bench/jvm-flags.sh").isTrue();
        assertThat(SidecarContainers.PROXY_JVM_OPTIONS).isEqualTo(m.group(1) + " -Djava.io.tmpdir=/tmp");
    }
}
