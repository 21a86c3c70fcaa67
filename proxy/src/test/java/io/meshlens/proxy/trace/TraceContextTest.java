package io.meshlens.proxy.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The W3C Trace Context and B3 rules a trace id is read by (examples from both specifications). */
class TraceContextTest {
    @Test
    void readsTheTraceIdOfAW3cTraceparent() {
        assertThat(TraceContext.fromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceContext.fromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
                .as("not sampled: the id is still the request's").isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void aLaterVersionMayAppendFields() {
        assertThat(TraceContext.fromTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-whatever"))
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",          // no flags
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has no more fields
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",       // version ff is invalid
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",       // upper case
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",       // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",       // all-zero parent id
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
    })
    void rejectsAnInvalidTraceparent(String value) {
        assertThat(TraceContext.fromTraceparent(value)).isNull();
    }

    @Test
    void readsB3SingleAndMultiHeaders() {
        assertThat(TraceContext.fromB3("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"))
                .isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
        assertThat(TraceContext.fromB3("e457b5a2e4d86bd1-05e3ac9a4f6e3b90")).isEqualTo("0000000000000000e457b5a2e4d86bd1");
        assertThat(TraceContext.fromB3("0")).as("a sampling decision only").isNull();
        assertThat(TraceContext.fromB3TraceId("463ac35c9f6413ad48485a3953bb6124")).isEqualTo("463ac35c9f6413ad48485a3953bb6124");
        assertThat(TraceContext.fromB3TraceId("463ac35c9f6413ad")).isEqualTo("0000000000000000463ac35c9f6413ad");
        assertThat(TraceContext.fromB3TraceId("463ac35c9f6413a")).isNull();
        assertThat(TraceContext.fromB3TraceId("0000000000000000")).isNull();
    }
}
