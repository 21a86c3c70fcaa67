package io.meshlens.install.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The sidecar's memory request and limit are the ones docs/performance.md justifies with measurements. */
class ProxyResourcesTest {
    @Test
    void memoryRequestAndLimitAreTheDocumentedOnes() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "performance.md"));
        String section = doc.substring(doc.indexOf("### Memory request and limit of the sidecar"));
        assertThat(section).as("docs/performance.md, \"Memory request and limit of the sidecar\"")
                .contains("request `" + SidecarContainers.PROXY_MEMORY_REQUEST + "`")
                .contains("limit `" + SidecarContainers.PROXY_MEMORY_LIMIT + "`");
    }
}
