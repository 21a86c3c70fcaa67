package io.meshlens.proxy.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A strict parser for the Prometheus text exposition format (0.0.4), for tests: every line must
 * be a comment (# HELP / # TYPE) or a well-formed sample, else it throws.
 */
public final class PromText {
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new LinkedHashMap<>();
    private final Map<String, String> help = new LinkedHashMap<>();

    public static PromText parse(String text) {
        PromText p = new PromText();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                if (parts.length != 2) {
                    throw new IllegalArgumentException("line " + lineNo + ": bad TYPE: " + line);
                }
                p.types.put(parts[0], parts[1]);
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String rest = line.substring(7);
                int sp = rest.indexOf(' ');
                p.help.put(sp < 0 ? rest : rest.substring(0, sp), sp < 0 ? "" : rest.substring(sp + 1));
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            p.samples.add(parseSample(line, lineNo));
        }
        return p;
    }

    private static Sample parseSample(String line, int lineNo) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            char c = line.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == ':')) {
                throw new IllegalArgumentException("line " + lineNo + ": bad metric name: " + line);
            }
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq);
                if (!key.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                    throw new IllegalArgumentException("line " + lineNo + ": bad label name " + key);
                }
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("line " + lineNo + ": label value not quoted: " + line);
                }
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        j++;
                        char e = line.charAt(j);
                        v.append(e == 'n' ? '\n' : e);
                    } else {
                        v.append(c);
                    }
                    j++;
                }
                labels.put(key, v.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (line.charAt(i) != ' ') {
            throw new IllegalArgumentException("line " + lineNo + ": expected space before value: " + line);
        }
        String[] rest = line.substring(i + 1).split(" ");
        double value;
        switch (rest[0]) {
            case "+Inf": value = Double.POSITIVE_INFINITY; break;
            case "-Inf": value = Double.NEGATIVE_INFINITY; break;
            case "NaN": value = Double.NaN; break;
            default: value = Double.parseDouble(rest[0]);
        }
        return new Sample(name, labels, value);
    }

    public List<Sample> samples() {
        return samples;
    }

    public Map<String, String> types() {
        return types;
    }

    public Map<String, String> help() {
        return help;
    }

    /** Sum of the values of samples named {@code name} whose labels all match {@code match}. */
    public double sum(String name, Map<String, String> match) {
        return sum(name, s -> match.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))));
    }

    public double sum(String name, Predicate<Sample> p) {
        double t = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && p.test(s)) {
                t += s.value();
            }
        }
        return t;
    }

    public List<Sample> named(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }
}
