package io.meshlens.install.check;

import java.util.List;

/** All results of one {@code meshlens check} run, as text (like {@code linkerd check}) or JSON. */
public record CheckReport(List<CheckResult> results) {
    public CheckReport {
        results = List.copyOf(results);
    }

    /** False when any check failed; warnings do not fail the run. */
    public boolean ok() {
        return results.stream().noneMatch(r -> r.status() == CheckResult.Status.FAIL);
    }

    public long failures() {
        return results.stream().filter(r -> r.status() == CheckResult.Status.FAIL).count();
    }

    public String text() {
        StringBuilder s = new StringBuilder();
        String group = null;
        for (CheckResult r : results) {
            if (!r.group().equals(group)) {
                if (group != null) {
                    s.append('\n');
                }
                group = r.group();
                s.append(group).append('\n').append("-".repeat(group.length())).append('\n');
            }
            s.append(switch (r.status()) {
                case OK -> "√ ";
                case WARN -> "‼ ";
                case FAIL -> "× ";
            }).append(r.description()).append('\n');
            for (String d : r.details()) {
                s.append("    ").append(d).append('\n');
            }
            if (!r.hint().isEmpty() && r.status() != CheckResult.Status.OK) {
                s.append("    see: ").append(r.hint()).append('\n');
            }
        }
        s.append('\n').append(ok() ? "Status check results are √" : "Status check results are × (" + failures() + " failed)").append('\n');
        return s.toString();
    }

    public String json() {
        StringBuilder s = new StringBuilder("{\"success\":").append(ok()).append(",\"checks\":[");
        for (int i = 0; i < results.size(); i++) {
            CheckResult r = results.get(i);
            s.append(i > 0 ? "," : "").append("{\"group\":").append(quote(r.group()))
                    .append(",\"description\":").append(quote(r.description()))
                    .append(",\"result\":").append(quote(r.status().name().toLowerCase()))
                    .append(",\"details\":[");
            for (int j = 0; j < r.details().size(); j++) {
                s.append(j > 0 ? "," : "").append(quote(r.details().get(j)));
            }
            s.append("],\"hint\":").append(quote(r.hint())).append('}');
        }
        return s.append("]}\n").toString();
    }

    private static String quote(String v) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
