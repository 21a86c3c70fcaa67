package io.meshlens.install.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files for inject on real-world shapes of manifest ({@code src/test/resources/inject/}):
 * {@code NAME.input.yaml} -> {@code NAME.golden.yaml} (stdout) and {@code NAME.summary.txt}
 * (stderr). Regenerate after an intended change with {@code -Dmeshlens.updateGolden=true} and
 * review the diff.
 */
class InjectGoldenTest {
    static final Path DIR = Paths.get("src/test/resources/inject");
    private static final boolean UPDATE = Boolean.getBoolean("meshlens.updateGolden");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".input.yaml"))
                    .map(n -> n.substring(0, n.length() - ".input.yaml".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesGolden(String name) throws Exception {
        InjectResult r = new Injector(InjectOptions.defaults()).inject(read(name + ".input.yaml"));
        compare(name + ".golden.yaml", r.yaml());
        compare(name + ".summary.txt", r.summary());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void injectingTwiceEqualsOnce(String name) throws Exception {
        Injector injector = new Injector(InjectOptions.defaults());
        InjectResult once = injector.inject(read(name + ".input.yaml"));
        InjectResult twice = injector.inject(once.yaml());
        assertThat(twice.yaml()).isEqualTo(once.yaml());
        assertThat(twice.outcomes()).allSatisfy(o -> assertThat(o.kind()).isNotEqualTo(Outcome.Kind.INJECTED));
    }

    static String read(String file) throws IOException {
        return Files.readString(DIR.resolve(file), StandardCharsets.UTF_8);
    }

    private static void compare(String file, String actual) throws IOException {
        Path p = DIR.resolve(file);
        if (UPDATE || !Files.exists(p)) {
            Files.writeString(p, actual, StandardCharsets.UTF_8);
            assertThat(UPDATE).as("golden file %s was missing and has been written: review and commit it", file).isTrue();
        }
        assertThat(actual).as("golden file %s (regenerate with -Dmeshlens.updateGolden=true)", file)
                .isEqualTo(Files.readString(p, StandardCharsets.UTF_8));
    }
}
