package vn.loalang.systemtests.support;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.function.Function;

/**
 * Debian's Chromium, headless, driven by Selenium through Debian's chromedriver: nothing is
 * downloaded (no Selenium Manager). One browser per test; {@link #close} ends it and its driver.
 */
public final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where the tests leave their screenshots; docs/console shows a copy. */
    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    /** Where a file the console offers for download (a report's CSV) is saved, without asking. */
    public static final Path DOWNLOADS = Path.of("target", "console-downloads");
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Debian's Chromium is newer than Selenium's DevTools bindings; the tests use none of them. */
    private static final Logger CDP_VERSIONS = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSIONS.setLevel(Level.SEVERE);
    }

    private final WebDriver driver;
    private final String base;

    private Browser(WebDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /** A browser of {@code width} × {@code height} CSS pixels (390 × 844: a phone) on {@code base}. */
    public static Browser open(String base, int width, int height) {
        return open(base, width, height, List.of());
    }

    /** A browser the size of {@code screen} ({@link Screens#PHONE}, {@link Screens#DESKTOP}) on {@code base}. */
    public static Browser open(String base, org.openqa.selenium.Dimension screen) {
        return open(base, screen.getWidth(), screen.getHeight());
    }

    /**
     * As {@link #open(String, int, int)}, with more Chromium arguments (a fake microphone playing a WAV file:
     * {@code --use-fake-ui-for-media-stream --use-fake-device-for-media-stream --use-file-for-fake-audio-capture=…}).
     */
    public static Browser open(String base, int width, int height, List<String> arguments) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("The console tests drive Debian's Chromium; install it with:"
                    + " sudo apt-get install -y chromium chromium-driver   (./loalang test does this when run as root)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Headless (no display); as root Chromium runs only without its sandbox; a container's /dev/shm
        // is small. Chromium calls Google's hosts on its own: every name but the test's resolves to nothing.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--lang=vi-VN", "--no-first-run", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost");
        options.addArguments(arguments);
        options.setExperimentalOption("prefs", Map.of("download.default_directory", DOWNLOADS.toAbsolutePath().toString(),
                "download.prompt_for_download", false));
        if (width < 500) {
            // A headless window is never narrower than 500 px: a phone's screen is emulated instead.
            options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics", Map.of("width", width, "height",
                    height, "pixelRatio", 1.0, "mobile", true, "touch", true)));
        } else {
            options.addArguments("--window-size=" + width + "," + height);
        }
        // The driver given, Selenium Manager never runs (it would download one).
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options), base);
    }

    public void go(String path) {
        driver.get(base + path);
    }

    public WebElement find(By by) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    /** Waits until {@code condition} holds (non-null, not false) and returns what it gave. */
    public <T> T until(String what, Function<WebDriver, T> condition) {
        // A page that draws itself again meanwhile leaves elements stale: look again.
        return new WebDriverWait(driver, WAIT).withMessage(what).ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    public void type(String id, String text) {
        WebElement e = find(By.id(id));
        e.clear();
        e.sendKeys(text);
    }

    public void click(By by) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    public void logIn(String username, String password) {
        go("/");
        type("username", username);
        type("password", password);
        click(By.cssSelector("form button[type=submit]"));
    }

    /**
     * The lowest WCAG contrast ratio between the text of any visible element and the background it
     * is drawn on (the nearest ancestor with an opaque background), with the element it was found on.
     */
    public String lowestContrast() {
        return (String) ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("""
                const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
                const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92
                    : Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
                const background = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
                    if (c.length === 3 || c[3] > 0.5) return c.slice(0, 3); } return [255, 255, 255]; };
                let worst = 99, where = "";
                for (const e of document.querySelectorAll("body *")) {
                  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                  if (!own || !e.getClientRects().length || getComputedStyle(e).visibility === "hidden") continue;
                  const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
                  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                  if (ratio < worst) { worst = ratio; where = e.tagName + " '" + e.textContent.trim().slice(0, 30) + "'"; }
                }
                return worst.toFixed(2) + " " + where;""");
    }

    /** The page fits the screen's width: nothing to scroll sideways (a wide table scrolls inside itself). */
    public boolean fitsWidth() {
        return (Boolean) script("return document.documentElement.scrollWidth <= window.innerWidth");
    }

    /** How wide the page is against the screen, e.g. "412 > 360 (TABLE)": what made it scroll sideways. */
    public String widthReport() {
        return (String) script("""
                const widest = [...document.querySelectorAll("body *")].filter(e => e.getClientRects().length)
                    .reduce((w, e) => e.getBoundingClientRect().right > (w ? w.getBoundingClientRect().right : 0) ? e : w, null);
                return document.documentElement.scrollWidth + " > " + window.innerWidth + " ("
                    + (widest ? widest.tagName + (widest.id ? "#" + widest.id : "") + " '"
                    + (widest.textContent || "").trim().slice(0, 30) + "'" : "") + ")";""");
    }

    /**
     * The smallest height of a visible touch target (buttons, links styled as buttons, the menu, form fields; a
     * checkbox or radio button counts as the label holding it, which is what a finger presses), in CSS pixels.
     */
    public double smallestTarget() {
        return Double.parseDouble(smallestTargetReport().split(" ")[0]);
    }

    /** {@link #smallestTarget()} with the element it was found on, e.g. "38.5 BUTTON#lang 'English'". */
    public String smallestTargetReport() {
        return smallestTargetReport("button, a.button, #nav a, input, select, textarea");
    }

    /**
     * As {@link #smallestTarget()} over the elements {@code selector} finds (a page whose every link is a target:
     * "a, audio, button"). A page with none of them visible gives 0: a check of nothing must not pass.
     */
    public double smallestTarget(String selector) {
        return Double.parseDouble(smallestTargetReport(selector).split(" ")[0]);
    }

    public String smallestTargetReport(String selector) {
        return (String) ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("""
                let least = 9999, where = "";
                for (const e of document.querySelectorAll(arguments[0])) {
                  if (!e.getClientRects().length || getComputedStyle(e).visibility === "hidden") continue;
                  const target = /^(checkbox|radio)$/.test(e.type) && e.closest("label") ? e.closest("label") : e;
                  const h = target.getBoundingClientRect().height;
                  if (h < least) { least = h; where = target.tagName + (e.id ? "#" + e.id : "") + " '"
                      + (target.textContent || target.value || "").trim().slice(0, 30) + "'"; }
                }
                return least === 9999 ? "0.0 (nothing visible matches " + arguments[0] + ")"
                    : least.toFixed(1) + " " + where;""", selector);
    }

    /**
     * The bytes this page has loaded so far (the document and every file it fetched, as sent: compression is
     * off, so the files' own sizes): what a slow link carries before the page is usable.
     */
    public long bytesLoaded() {
        return ((Number) script("return performance.getEntriesByType('navigation')"
                + ".concat(performance.getEntriesByType('resource')).reduce((sum, e) => sum + e.encodedBodySize, 0)"))
                .longValue();
    }

    /**
     * Every file fetched afresh from now on, as on a first visit: a file from the browser's memory cache leaves no
     * entry for {@link #bytesLoaded()} to count.
     */
    public void withoutCache() {
        var cdp = (org.openqa.selenium.chromium.ChromiumDriver) driver;
        cdp.executeCdpCommand("Network.enable", Map.of());
        cdp.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
    }

    /** A slow link from now on: {@code bitsPerSecond} each way, {@code latency} added to every request. */
    public void slowLink(long bitsPerSecond, Duration latency) {
        var cdp = (org.openqa.selenium.chromium.ChromiumDriver) driver;
        cdp.executeCdpCommand("Network.enable", Map.of());
        cdp.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", latency.toMillis(),
                "downloadThroughput", bitsPerSecond / 8, "uploadThroughput", bitsPerSecond / 8));
    }

    private Object script(String js) {
        return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(js);
    }

    public void acceptDialog() {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.alertIsPresent()).accept();
    }

    public WebDriver driver() {
        return driver;
    }

    /** Saves the page as {@code name}.png under {@link #SCREENSHOTS}. */
    public Path screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(SCREENSHOTS);
        Path target = SCREENSHOTS.resolve(name + ".png");
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
