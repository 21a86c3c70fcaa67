package io.meshlens.proxy.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshlens.proxy.ConfigException;

class RouteTableTest {
    @TempDir
    Path dir;

    @Test
    void matchesMethodAndPatterns() throws Exception {
        Path f = dir.resolve("routes.yaml");
        Files.writeString(f, "routes:\n"
                + "  - {name: get-user, method: GET, path: \"/users/{id}\"}\n"
                + "  - {name: user-any, path: /users/*}\n"
                + "  - {name: static, path: /static/**}\n"
                + "  - {name: root, path: /}\n");
        RouteTable t = RouteTable.load("MESHLENS_ROUTES", f);
        assertThat(t.match("GET", "/users/42")).isEqualTo("get-user");
        assertThat(t.match("GET", "/users/42?x=1")).isEqualTo("get-user");
        assertThat(t.match("DELETE", "/users/42")).isEqualTo("user-any");
        assertThat(t.match("GET", "/users/42/orders")).isEqualTo("default");
        assertThat(t.match("GET", "/users/")).isEqualTo("default");
        assertThat(t.match("GET", "/static/a/b/c.css")).isEqualTo("static");
        assertThat(t.match("GET", "/")).isEqualTo("root");
        assertThat(t.match("GET", "http://web:80/users/7")).isEqualTo("get-user");
        assertThat(t.match("GET", "/other")).isEqualTo("default");
        assertThat(RouteTable.empty().match("GET", "/users/1")).isEqualTo("default");
    }

    @Test
    void badFilesNameTheEntry() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "routes:\n  - {name: x, path: nope}\n");
        assertThatThrownBy(() -> RouteTable.load("MESHLENS_ROUTES", f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].path: nope");
        Files.writeString(f, "routes: 3\n");
        assertThatThrownBy(() -> RouteTable.load("MESHLENS_ROUTES", f)).hasMessageContaining("'routes' list");
    }
}
