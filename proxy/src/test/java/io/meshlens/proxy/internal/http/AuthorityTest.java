package io.meshlens.proxy.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthorityTest {
    @Test
    void normalises() {
        assertThat(Authority.normalize("Web.NS.svc:8080", 80)).isEqualTo("web.ns.svc:8080");
        assertThat(Authority.normalize("web", 80)).isEqualTo("web:80");
        assertThat(Authority.normalize("[::1]", 80)).isEqualTo("[::1]:80");
        assertThat(Authority.normalize("[::1]:9", 80)).isEqualTo("[::1]:9");
        assertThat(Authority.normalize(null, 80)).isEmpty();
        String clean = "web:80";
        assertThat(Authority.normalize(clean, 80)).isSameAs(clean); // no allocation on the common path
        assertThat(Authority.host("[::1]:9")).isEqualTo("::1");
        assertThat(Authority.port("web:x")).isEqualTo(-1);
    }
}
