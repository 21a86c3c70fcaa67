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
    @CsvSource({"alertmanager, alertmanager, ALERTMANAGER_RELEASE", "amtool, alertmanager, ALERTMANAGER_RELEASE",
        "prometheus, prometheus, PROMETHEUS_RELEASE", "promtool, prometheus, PROMETHEUS_RELEASE"})
    void printsThePinnedRelease(String binary, String recipe, String variable) throws Exception {
        String release = pinned(recipe, variable);
        Command c = Command.run(Repo.root(), List.of(Tools.path(binary), "--version"));
        assertThat(c.exitCode()).as(c.output()).isZero();
        // the revision is the Go module's version: v0.35.0 for Alertmanager, v0.316.0 for Prometheus 3.16.0
        assertThat(c.output()).contains(binary + ", version " + release + " (branch: HEAD, revision: v")
                .containsPattern("build date: +\\d{8}-\\d\\d:\\d\\d:\\d\\d");
    }

    /** Kubernetes' release is the k8s.io/kubernetes version its recipe's go.mod requires. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"kube-apiserver --version, Kubernetes v", "kubectl version --client, Client Version: v"})
    void kubernetesBinariesPrintTheRequiredRelease(String command, String prefix) throws Exception {
        String goMod = Files.readString(Repo.root().resolve("tools/kubernetes/go.mod"));
        Matcher m = Pattern.compile("(?m)^\\s*k8s\\.io/kubernetes v(\\S+)").matcher(goMod);
        assertThat(m.find()).as("k8s.io/kubernetes in tools/kubernetes/go.mod").isTrue();
        List<String> argv = new java.util.ArrayList<>(List.of(command.split(" ")));
        argv.set(0, Tools.path(argv.get(0)));
        Command c = Command.run(Repo.root(), argv);
        assertThat(c.exitCode()).as(c.output()).isZero();
        assertThat(c.output()).contains(prefix + m.group(1));
    }
}
