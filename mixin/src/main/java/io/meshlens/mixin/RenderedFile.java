package io.meshlens.mixin;

import static java.util.Objects.requireNonNull;

/**
 * One file the mixin writes, by its path relative to the repository root ({@code /} separated)
 * and its complete text.
 */
public record RenderedFile(String path, String content) {
    public RenderedFile {
        requireNonNull(path, "path");
        requireNonNull(content, "content");
        if (path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("path: " + path + " (expected: relative, inside the repository)");
        }
    }
}
