package io.meshlens.mixin;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import sjsonnet.DefaultParseCache;
import sjsonnet.SjsonnetMain;

/**
 * Evaluates a jsonnet file on the JVM with sjsonnet (the only maintained JVM implementation), the
 * way the {@code jsonnet} command line does, and returns the JSON text. Object fields keep their
 * declared order ({@code --preserve-order}) so that rendered YAML reads like its source.
 */
final class JsonnetEvaluator {
    private JsonnetEvaluator() {}

    /**
     * @param file the entry point
     * @param libraryPath the {@code -J} directory imports are resolved against
     * @throws IllegalStateException with sjsonnet's message when evaluation fails
     */
    static String evaluate(Path file, Path libraryPath) {
        requireNonNull(file, "file");
        requireNonNull(libraryPath, "libraryPath");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = {"--preserve-order", "-J", libraryPath.toAbsolutePath().toString(),
                file.toAbsolutePath().toString()};
        int rc;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            rc = SjsonnetMain.main0(args, new DefaultParseCache(), InputStream.nullInputStream(), o, e,
                    workingDirectory(file), SjsonnetMain.main0$default$7(), SjsonnetMain.main0$default$8(),
                    SjsonnetMain.main0$default$9());
        }
        if (rc != 0) {
            throw new IllegalStateException("jsonnet " + file + " failed (exit " + rc + "): "
                    + err.toString(StandardCharsets.UTF_8).strip());
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static os.Path workingDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return os.Path$.MODULE$.apply(dir, os.PathConvertible.NioPathConvertible$.MODULE$);
    }
}
