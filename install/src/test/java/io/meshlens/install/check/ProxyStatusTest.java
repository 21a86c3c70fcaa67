package io.meshlens.install.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.meshlens.install.check.ProxyStatus.Verdict;

/** The pure verdict on one meshed pod. */
class ProxyStatusTest {
    private static PodBuilder pod(String phase) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns")
                .addToAnnotations("meshlens.io/proxy-version", "0.1.0").endMetadata()
                .withNewStatus().withPhase(phase)
                .addNewContainerStatus().withName("meshlens-proxy").withReady(true).endContainerStatus().endStatus();
    }

    @Test
    void podsThatAreDoneOrGoingAwayAreSetAsideNotReported() {
        assertThat(ProxyStatus.of(pod("Succeeded").build(), "0.1.0").verdict()).isEqualTo(Verdict.COMPLETED);
        assertThat(ProxyStatus.of(pod("Failed").editStatus().withReason("Evicted").endStatus().build(), "0.1.0").verdict()).isEqualTo(Verdict.EVICTED);
        assertThat(ProxyStatus.of(pod("Failed").build(), "0.1.0").verdict()).isEqualTo(Verdict.FAILED);
        Pod terminating = pod("Running").editMetadata().withDeletionTimestamp("2026-11-25T18:00:00Z").endMetadata()
                .editStatus().editFirstContainerStatus().withReady(false).endContainerStatus().endStatus().build();
        assertThat(ProxyStatus.of(terminating, "0.1.0").verdict()).isEqualTo(Verdict.TERMINATING);
    }

    @Test
    void aReadyProxyOnTheCurrentVersionPassesAndAnyOtherVersionIsAProblem() {
        assertThat(ProxyStatus.of(pod("Running").build(), "0.1.0")).isEqualTo(new ProxyStatus(Verdict.READY, ""));
        ProxyStatus old = ProxyStatus.of(pod("Running").build(), "0.2.0");
        assertThat(old.verdict()).isEqualTo(Verdict.PROBLEM);
        assertThat(old.reason()).isEqualTo("proxy 0.1.0, expected 0.2.0 (re-inject and roll out)");
        Pod unknown = pod("Running").editMetadata().withAnnotations(java.util.Map.of()).endMetadata().build();
        assertThat(ProxyStatus.of(unknown, "0.1.0").reason()).startsWith("proxy of unknown version");
    }
}
