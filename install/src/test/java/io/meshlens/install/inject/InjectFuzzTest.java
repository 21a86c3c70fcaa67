package io.meshlens.install.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any text handed to {@code meshlens inject}: it is injected, or refused with an
 * {@link InjectException} whose message says why, never another exception; and what it writes
 * is a fixed point (injecting the output again changes nothing). The checked-in inputs
 * ({@code InjectFuzzTestInputs}) replay in every test run; {@code scripts/fuzz.sh inject}
 * fuzzes for as long as wanted.
 */
class InjectFuzzTest {
    private final Injector injector = new Injector(InjectOptions.defaults());

    @FuzzTest
    void anyYamlIsInjectedOrRefusedWithAReason(byte[] input) {
        String yaml = new String(input, StandardCharsets.UTF_8);
        InjectResult first;
        try {
            first = injector.inject(yaml);
        } catch (InjectException e) {
            assertThat(e.getMessage()).as("a refusal says why").isNotBlank();
            return;
        }
        InjectResult again;
        try {
            again = injector.inject(first.yaml());
        } catch (InjectException e) {
            throw new AssertionError("inject refuses its own output: " + e.getMessage() + "\n" + first.yaml(), e);
        }
        assertThat(again.yaml()).as("injecting the output again changes nothing").isEqualTo(first.yaml());
    }
}
