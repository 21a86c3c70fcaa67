package io.meshlens.cli.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The dashboard's pages, scripts and styles, read from the jar once. */
final class StaticFiles {
    private static final String ROOT = "/io/meshlens/cli/dashboard/";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*\\.(html|css|js)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8");

    /** A file's bytes and content type. */
    record File(byte[] bytes, String contentType) {}

    private final Map<String, File> cache = new ConcurrentHashMap<>();

    /** {@code /} is the single page; anything else must be a file name of the dashboard. Null: none. */
    File get(String path) {
        String name = path.equals("/") ? "index.html" : path.substring(1);
        if (!NAME.matcher(name).matches()) {
            return null;
        }
        File f = cache.get(name);
        if (f == null) {
            f = load(name);
            if (f != null) {
                cache.put(name, f);
            }
        }
        return f;
    }

    private static File load(String name) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return null;
            }
            return new File(in.readAllBytes(), TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + ROOT + name + " from the jar", e);
        }
    }
}
