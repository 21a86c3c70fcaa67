package io.meshlens.cli.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Debian's headless Chromium driven by Debian's chromedriver (never a downloaded one), with a
 * fresh profile, and a record of every request the page made that failed.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();

    final ChromeDriver driver;
    private final Path profile;

    Browser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("no " + CHROMIUM + " or " + CHROMEDRIVER
                    + ": install Debian's chromium and chromium-driver (bash scripts/setup.sh)");
        }
        try {
            profile = Files.createTempDirectory("meshlens-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--window-size=1400,1000",
                "--user-data-dir=" + profile);
        o.setCapability("goog:loggingPrefs", Map.of(LogType.PERFORMANCE, "ALL", LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
    }

    /**
     * The requests since the last call that got an HTTP error or failed on the network (an
     * aborted stream, which the page does on purpose when it leaves or pauses a tap, is not a
     * failure), plus the console's errors.
     */
    List<String> failures() {
        List<String> out = new ArrayList<>();
        Map<String, String> urls = new java.util.HashMap<>();
        for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode m;
            try {
                m = JSON.readTree(e.getMessage()).path("message");
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            JsonNode p = m.path("params");
            switch (m.path("method").asText()) {
                case "Network.requestWillBeSent" -> urls.put(p.path("requestId").asText(), p.path("request").path("url").asText());
                case "Network.responseReceived" -> {
                    int status = p.path("response").path("status").asInt();
                    if (status >= 400) {
                        out.add(status + " " + p.path("response").path("url").asText());
                    }
                }
                case "Network.loadingFailed" -> {
                    if (!p.path("canceled").asBoolean() && !p.path("errorText").asText().equals("net::ERR_ABORTED")) {
                        out.add("failed " + p.path("errorText").asText() + " " + urls.getOrDefault(p.path("requestId").asText(), "(no request of the page: " + p + ")"));
                    }
                }
                default -> { }
            }
        }
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                out.add("console: " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * Every element matching {@code css}, read in one script so that a page refreshing meanwhile
     * cannot leave a stale half: its attributes, text, cells (for rows) and links.
     */
    JsonNode read(String css) {
        String json = (String) driver.executeScript("""
                const view = (e) => ({
                  attrs: Object.fromEntries([...e.attributes].map((a) => [a.name, a.value])),
                  text: e.textContent,
                  links: [...e.querySelectorAll('a')].map((a) => ({ class: a.getAttribute('class') || '', href: a.href })),
                  cells: e.cells ? [...e.cells].map((c) => ({ text: c.textContent, attrs: Object.fromEntries([...c.attributes].map((a) => [a.name, a.value])) })) : [],
                });
                return JSON.stringify([...document.querySelectorAll(arguments[0])].map(view));
                """, css);
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Saves a screenshot of the page as it is now. */
    void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Saves a screenshot of one element of the page. */
    void screenshot(org.openqa.selenium.WebElement element, Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, element.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temp profile left behind is harmless
            }
        }
    }
}
