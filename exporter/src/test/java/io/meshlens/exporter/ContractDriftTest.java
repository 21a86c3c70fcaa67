package io.meshlens.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.meshlens.exporter.enrich.ProxySeries;
import io.meshlens.proxy.Version;
import io.meshlens.proxy.metrics.MeshlensMetrics;

/** The names the exporter reads from proxies must be the names the proxy writes. */
class ContractDriftTest {
    private static String base(MeshlensMetrics m) {
        String n = m.metricName();
        return n.endsWith("_total") ? n.substring(0, n.length() - 6) : n.endsWith("_info") ? n.substring(0, n.length() - 5) : n;
    }

    @Test
    void proxySeriesMirrorTheProxysMetricNames() {
        assertThat(ProxySeries.RESPONSES).isEqualTo(base(MeshlensMetrics.RESPONSES));
        assertThat(ProxySeries.RESPONSE_LATENCY).isEqualTo(base(MeshlensMetrics.RESPONSE_LATENCY));
        assertThat(ProxySeries.TCP_OPEN).isEqualTo(base(MeshlensMetrics.TCP_OPEN));
        assertThat(ProxySeries.TCP_READ_BYTES).isEqualTo(base(MeshlensMetrics.TCP_READ_BYTES));
        assertThat(ProxySeries.TCP_WRITE_BYTES).isEqualTo(base(MeshlensMetrics.TCP_WRITE_BYTES));
        assertThat(ProxySeries.PROXY_INFO).isEqualTo(base(MeshlensMetrics.PROXY_INFO));
        assertThat(ProxySeries.LATENCY_BUCKETS).containsExactly(MeshlensMetrics.LATENCY_BUCKETS);
    }

    @Test
    void exporterAndProxyShipTheSameVersion() {
        assertThat(ExporterVersion.VERSION).isEqualTo(Version.VERSION);
    }
}
