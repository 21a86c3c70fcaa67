package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlens.mixin.testing.Command;
import io.meshlens.mixin.testing.Repo;
import io.meshlens.mixin.testing.Tools;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The binaries scripts/tools.sh builds from Go modules say which release they are: `--version`
 * prints the release their recipe in tools/ pins (stamped with -X at link time), not an empty
 * version.
 */
class PinnedToolVersionsIT {

    /** The value of {@code NAME=...} in tools/RECIPE.sh. */
    private static String pinned(String recipe, String variable) throws Exception {
        String text = Files.readString(Repo.root().resolve("tools").resolve(recipe + ".sh"));
        Matcher m = Pattern.compile("(?m)^" + variable + "=(\\S+)$").matcher(text);
        assertThat(m.find()).as("%s= in tools/%s.sh", variable, recipe).isTrue();
        return m.group(1);
    }

    @ParameterizedTest(name = "{0} --version")
    @CsvSource({"alertmanager, alertmanager, ALERTMANAGER_RELEASE", "amtool, alertmanager, ALERTMANAGER_RELEASE"})
    void printsThePinnedRelease(String binary, String recipe, String variable) throws Exception {
        String release = pinned(recipe, variable);
        Command c = Command.run(Repo.root(), List.of(Tools.path(binary), "--version"));
        assertThat(c.exitCode()).as(c.output()).isZero();
        assertThat(c.output()).contains(binary + ", version " + release + " (branch: HEAD, revision: v" + release + ")")
                .containsPattern("build date: +\\d{8}-\\d\\d:\\d\\d:\\d\\d");
    }
}
