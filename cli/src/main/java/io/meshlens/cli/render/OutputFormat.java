package io.meshlens.cli.render;

/** {@code -o}: every listing command prints a table, a wider table, or the API's JSON. */
public enum OutputFormat {
    table, wide, json
}
