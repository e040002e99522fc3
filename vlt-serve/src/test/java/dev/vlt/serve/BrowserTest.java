package dev.vlt.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vlt.index.VectorIndex;
import dev.vlt.infer.Embedder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page end to end in headless Chromium (Debian's chromium + chromedriver at fixed paths; Selenium never downloads
 * anything): a typed query renders result cards with loaded thumbnails, an uploaded image renders one bar per label, and
 * a dropped image does too; a server with a token works once the page is opened with ?token=, which it trades for an
 * HttpOnly cookie. The page's Content-Security-Policy must block nothing the page does. Screenshots go to
 * target/screenshots.
 */
class BrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target/screenshots");
  @TempDir static Path tmp;
  static Embedder embedder;
  static VectorIndex index;
  static VltServer server;
  static VltServer tokenServer;
  static final String TOKEN = Access.newToken();
  static List<Path> images;
  static WebDriver driver;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "Debian chromium is not installed (apt-get install chromium chromium-driver)");
    embedder = ServeFixtures.embedder();
    images = ServeFixtures.emoji(tmp.resolve("emoji"), 48, 39);
    ServeFixtures.buildIndex(embedder, tmp.resolve("emoji"), tmp.resolve("index"));
    index = VectorIndex.open(tmp.resolve("index"));
    server = VltServer.start(ServeConfig.defaults(0), embedder, index);
    tokenServer = VltServer.start(ServeConfig.defaults(0).withAccess(Access.withToken(TOKEN)), embedder, index);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // the flags this machine needs: no sandbox as root, and no background networking (the network is closed)
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--window-size=1280,900", "--user-data-dir=" + Files.createDirectories(tmp.resolve("chrome-profile")));
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL")); // CSP violations are reported there
    driver = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) driver.quit();
    if (server != null) server.close();
    if (tokenServer != null) tokenServer.close();
    if (index != null) index.close();
    if (embedder != null) embedder.close();
  }

  static WebDriverWait waitUpTo(int seconds) {
    return new WebDriverWait(driver, Duration.ofSeconds(seconds));
  }

  /** Browser console lines about the Content-Security-Policy since the last call: none means it blocked nothing. */
  static List<String> cspViolations() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
        .filter(m -> m.contains("Content Security Policy")).toList();
  }

  static void screenshot(String name) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    Files.write(SCREENSHOTS.resolve(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void typeAQueryThenUploadAndDropImages() throws Exception {
    driver.get(server.uri().toString());
    waitUpTo(30).until(d -> d.findElement(By.id("status")).getText().contains("index of 48 images"));

    WebElement q = driver.findElement(By.id("q"));
    q.sendKeys("a red heart");
    driver.findElement(By.id("search-button")).click();
    waitUpTo(60).until(d -> d.findElements(By.cssSelector("#results .card")).size() == 24);
    // every thumbnail really loaded: naturalWidth is 0 for a broken image
    waitUpTo(30).until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
        "return [...document.querySelectorAll('#results .card img')].every(i => i.complete && i.naturalWidth > 0)"));
    List<WebElement> scores = driver.findElements(By.cssSelector("#results .card .score"));
    double prev = 2;
    for (WebElement s : scores) {
      double v = Double.parseDouble(s.getText());
      assertTrue(v <= prev + 1e-9, "cards in score order");
      prev = v;
    }
    assertTrue(driver.findElement(By.id("search-info")).getText().startsWith("24 results for"));
    screenshot("search.png");

    WebElement labels = driver.findElement(By.id("labels"));
    labels.clear();
    labels.sendKeys("a smiling face, an animal, food, a flag");
    Path upload = images.get(5);
    driver.findElement(By.id("file")).sendKeys(upload.toAbsolutePath().toString());
    waitUpTo(60).until(d -> d.findElements(By.cssSelector("#bars .bar-row")).size() == 4);
    // the preview is a blob: URL, which the page's policy must let through
    waitUpTo(10).until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
        "const p = document.getElementById('preview'); return p.complete && p.naturalWidth > 0"));
    double total = 0;
    for (WebElement row : driver.findElements(By.cssSelector("#bars .bar-row"))) {
      String width = row.findElement(By.className("fill")).getCssValue("width");
      assertTrue(Double.parseDouble(width.replace("px", "")) >= 0, width);
      total += Double.parseDouble(row.findElement(By.className("prob")).getText().replace("%", ""));
    }
    assertEquals(100.0, total, 0.5, "label probabilities sum to 100%");
    // the upload also searched the index by image: the image itself comes first, with cosine 1
    waitUpTo(60).until(d -> d.findElement(By.id("search-info")).getText().contains("images like " + upload.getFileName()));
    WebElement first = driver.findElements(By.cssSelector("#results .card")).get(0);
    assertEquals("1.000", first.findElement(By.className("score")).getText());
    screenshot("classify.png");

    // drag and drop: a real drop event carrying a File, as a browser delivers it
    labels.clear();
    labels.sendKeys("red, green, blue");
    ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch(document.querySelector('#results .card img').src).then(r => r.blob()).then(b => {"
            + "  const dt = new DataTransfer(); dt.items.add(new File([b], 'dropped.png', {type: 'image/png'}));"
            + "  document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));"
            + "  done(); });");
    waitUpTo(60).until(d -> d.findElements(By.cssSelector("#bars .bar-row")).size() == 3
        && d.findElement(By.id("classify-info")).getText().startsWith("dropped.png"));
    screenshot("drop.png");
    assertEquals(List.of(), cspViolations());
  }

  @Test
  void withATokenThePageWorksOnceOpenedWithIt() throws Exception {
    String base = tokenServer.uri().toString();
    driver.get(base);
    waitUpTo(30).until(d -> d.findElement(By.id("status")).getText().startsWith("not authorised"));
    assertEquals("error", driver.findElement(By.id("status")).getAttribute("class"));

    driver.get(base + "?token=" + TOKEN + "&q=" + "a%20red%20heart");
    // the server set the cookie and sent the browser on to the same URL without the token, where ?q= searches
    assertEquals(base + "?q=a%20red%20heart", driver.getCurrentUrl());
    waitUpTo(60).until(d -> d.findElements(By.cssSelector("#results .card")).size() == 24);
    waitUpTo(30).until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
        "return [...document.querySelectorAll('#results .card img')].every(i => i.complete && i.naturalWidth > 0)"));
    assertTrue(driver.findElement(By.id("status")).getText().contains("index of 48 images"));

    Cookie cookie = driver.manage().getCookieNamed("vlt-token-" + tokenServer.port());
    assertEquals(TOKEN, cookie.getValue());
    assertTrue(cookie.isHttpOnly());
    assertEquals("Strict", cookie.getSameSite());
    assertEquals("", ((JavascriptExecutor) driver).executeScript("return document.cookie"), "scripts cannot read the token");

    // a POST from the page carries the cookie too
    driver.findElement(By.id("file")).sendKeys(images.get(9).toAbsolutePath().toString());
    waitUpTo(60).until(d -> d.findElements(By.cssSelector("#bars .bar-row")).size() == 6);
    screenshot("token.png");

    // the address bar (and so the history entry and any bookmark) no longer holds the token
    assertEquals(Boolean.TRUE, ((JavascriptExecutor) driver).executeScript("return !location.href.includes('token')"));
    assertEquals(List.of(), cspViolations());
  }

  @Test
  void aNonImageUploadShowsTheServersMessage() throws Exception {
    driver.get(server.uri().toString());
    Path text = Files.writeString(tmp.resolve("notes.png"), "not really a png");
    driver.findElement(By.id("file")).sendKeys(text.toAbsolutePath().toString());
    waitUpTo(60).until(d -> d.findElement(By.id("classify-info")).getText().contains("not an image"));
    assertEquals("error", driver.findElement(By.id("classify-info")).getAttribute("class"));
  }
}
