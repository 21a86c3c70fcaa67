package io.meshlens.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExporterRelayTest {
    @Test
    void aTapRowKeepsOnlyWhatThePageShowsAndNoQueryString() {
        String line = "{\"type\":\"req\",\"id\":7,\"direction\":\"inbound\",\"method\":\"GET\",\"path\":\"/api/list?api_key=s3cr3t\","
                + "\"headers\":{\"authorization\":\"Bearer s3cr3t\"},\"body\":\"s3cr3t\",\"src\":\"10.0.0.1:5\",\"src_workload\":\"web\"}";
        assertThat(ExporterRelay.visible(line))
                .isEqualTo("{\"type\":\"req\",\"id\":7,\"direction\":\"inbound\",\"method\":\"GET\",\"path\":\"/api/list\",\"src_workload\":\"web\"}");
    }

    @Test
    void anUnparseableLineBecomesAnErrorEvent() {
        assertThat(ExporterRelay.visible("{not json")).isEqualTo("{\"type\":\"error\",\"error\":\"unparseable tap event\"}");
    }
}
