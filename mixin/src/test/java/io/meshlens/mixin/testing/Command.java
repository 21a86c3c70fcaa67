package io.meshlens.mixin.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real binary (promtool, amtool) to completion and keeps its combined output. */
public record Command(int exitCode, String output) {

    public static Command run(Path workDir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("meshlens-cmd", ".out");
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(280, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in 280 s");
            }
            return new Command(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
