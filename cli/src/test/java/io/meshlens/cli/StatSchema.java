package io.meshlens.cli;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The shape of a {@code stat -o json} answer: every field of the answer and of its rows with
 * its JSON type (integer and floating-point numbers apart), so two sources can be compared.
 */
final class StatSchema {
    private StatSchema() {}

    static Map<String, String> of(JsonNode answer) {
        Map<String, String> shape = new TreeMap<>();
        fields(answer, "", shape);
        for (JsonNode row : answer.path("rows")) {
            fields(row, "rows[].", shape);
        }
        return shape;
    }

    private static void fields(JsonNode n, String prefix, Map<String, String> shape) {
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("rows")) {
                shape.put(prefix + "rows", "array");
                continue;
            }
            JsonNode v = f.getValue();
            String type = v.isIntegralNumber() ? "integer" : v.isNumber() ? "float" : v.isNull() ? "null" : v.getNodeType().name().toLowerCase();
            shape.merge(prefix + f.getKey(), type, (a, b) -> a.equals(b) ? a : a.equals("null") ? b : b.equals("null") ? a : a + "|" + b);
        }
    }
}
