package io.meshlens.images;

import java.util.List;
import java.util.Map;

/** Null-safe navigation of parsed YAML: a missing key is an empty map or list. */
final class Yaml {
    private Yaml() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String key) {
        return m.get(key) instanceof Map<?, ?> v ? (Map<String, Object>) v : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Map<String, Object> m, String key) {
        return m.get(key) instanceof List<?> v ? (List<Map<String, Object>>) v : List.of();
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Map<String, Object> m, String key) {
        return m.get(key) instanceof List<?> v ? ((List<Object>) v).stream().map(String::valueOf).toList() : List.of();
    }
}
