package io.litescore.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.litescore.testing.CompareFixture;
import io.litescore.testing.HeadlessChromium;
import io.litescore.testing.ShadowFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report.html} in headless Chromium: no console error, no uncaught exception, no network request, every
 * chart drawn as a non-empty SVG, the table sortable; a screenshot is written to {@code target/screenshots/}. The
 * labelled fixture's report ({@link CompareFixture}) and an unlabelled one ({@link ShadowFixture}: agreement,
 * confidence, disagreed images and drift drawn, what needs labels saying so in one line).
 *
 * <p>Skipped when no Chromium is installed, unless {@code LITESCORE_REQUIRE_CHROMIUM=1} (CI sets it), which
 * turns the skip into a failure. With {@code LITESCORE_DEMO_REPORT} set to a report.html (CI: the demo's), that
 * report is checked too and screenshotted as {@code target/screenshots/demo-report.png}.
 */
class ReportBrowserTest {
  static final int WIDTH = 1400;
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir Path tmp;

  static Path chromium() {
    Optional<Path> binary = HeadlessChromium.binary();
    if (binary.isEmpty()) {
      if ("1".equals(System.getenv("LITESCORE_REQUIRE_CHROMIUM"))) {
        throw new AssertionError("LITESCORE_REQUIRE_CHROMIUM=1 but no chromium on the PATH (apt-get install "
            + "chromium, or set LITESCORE_CHROMIUM)");
      }
      Assumptions.abort("chromium is not installed (apt-get install chromium); skipping the browser test");
    }
    return binary.get();
  }

  @Test
  void fixtureReportRendersWithoutErrors() throws Exception {
    Path binary = chromium();
    CompareFixture f = CompareFixture.get();
    try (HeadlessChromium browser = HeadlessChromium.start(binary, tmp.resolve("profile"), WIDTH, 1000)) {
      JsonObject page = render(browser, f.report(), "fixture-report");
      assertThat(page.get("rows").getAsInt()).isEqualTo(2);
      assertThat(page.get("cards").getAsInt()).isEqualTo(5);
      assertThat(page.get("thumbnails").getAsInt()).isEqualTo(5);
      assertThat(page.get("runs").getAsInt()).isEqualTo(1);
      // pareto + per-class heatmap + one confusion matrix per model + agreement + confidence (one run: no drift)
      assertThat(chartIds(page)).containsExactly("chart-pareto", "chart-classes", "chart-confusion-0",
          "chart-confusion-1", "chart-agreement", "chart-confidence");
      assertThat(page.get("disagreed").getAsInt()).isEqualTo(4);
      assertThat(page.get("disagreedThumbnails").getAsInt()).isEqualTo(4);
      assertThat(page.get("text").getAsString()).contains("No model appears in two of the compared runs");

      // sorting: top-1 descending first; a click sorts ascending, a click on "model" sorts by name
      assertThat(browser.evaluate(firstModel()).getAsString()).contains("colours");
      browser.evaluate("document.querySelector('button[data-key=top1]').click()");
      assertThat(browser.evaluate(firstModel()).getAsString()).contains("swapped");
      browser.evaluate("document.querySelector('button[data-key=key]').click()");
      assertThat(browser.evaluate(firstModel()).getAsString()).contains("colours");
      assertThat(browser.errors()).isEmpty();
    }
  }

  @Test
  void unlabelledReportDrawsAgreementConfidenceDisagreementsAndDrift() throws Exception {
    Path binary = chromium();
    ShadowFixture f = ShadowFixture.get();
    try (HeadlessChromium browser = HeadlessChromium.start(binary, tmp.resolve("profile"), WIDTH, 1000)) {
      JsonObject page = render(browser, f.report(), "unlabelled-report");
      assertThat(page.get("rows").getAsInt()).isEqualTo(3);
      // speed alone (no accuracy to plot it against), the agreement matrix, the histograms, one drift chart
      assertThat(chartIds(page)).containsExactly("chart-pareto", "chart-agreement", "chart-confidence",
          "chart-drift-0");
      // what the charts hold: 3 x 3 agreement cells (the diagonal greyed), 3 histograms, 2 runs x 3 classes
      assertThat(points(browser, "chart-agreement", "heatmap")).isEqualTo(9);
      assertThat(points(browser, "chart-confidence", "bar")).isEqualTo(3 * 20);
      assertThat(points(browser, "chart-drift-0", "bar")).isEqualTo(2 * 3);
      assertThat(points(browser, "chart-pareto", "bar")).isEqualTo(3);
      assertThat(page.get("disagreed").getAsInt()).isEqualTo(3);
      assertThat(page.get("disagreedThumbnails").getAsInt()).isEqualTo(3);
      assertThat(page.get("cards").getAsInt()).isZero(); // misclassified images need labels
      String text = page.get("text").getAsString();
      assertThat(text).doesNotContain("nothing to plot").contains("No labelled image: accuracy")
          .contains("1 of 4 common images changed their top-1 (25.0%)");
      // the sections that need labels say so in one line each, below the ones that do not
      assertThat(browser.evaluate("Array.from(document.querySelectorAll('#classes .empty, #confusion .empty, "
          + "#misclassified .empty')).map(e => e.textContent.startsWith('Needs labels')).join()").getAsString())
          .isEqualTo("true,true,true");
      assertThat(browser.evaluate("Array.from(document.querySelectorAll('main > section')).map(s => s.id).join()")
          .getAsString()).isEqualTo("table,speed,agreement,confidence,disagreements,drift,classes,confusion,"
              + "misclassified,runs");
      // the sections that need no labels, agreement to drift (the README's picture of them)
      int top = browser.evaluate("Math.floor(document.getElementById('agreement').getBoundingClientRect().top "
          + "+ window.scrollY - 8)").getAsInt();
      int bottom = browser.evaluate("Math.ceil(document.getElementById('drift').getBoundingClientRect().bottom "
          + "+ window.scrollY + 8)").getAsInt();
      Files.write(SCREENSHOTS.resolve("unlabelled-report-labelfree.png"), browser.screenshot(WIDTH, top,
          bottom - top));
      // no accuracy columns; sorted by model, a click on the confidence mean sorts by it (highest first)
      assertThat(browser.evaluate("document.querySelector('button[data-key=top1]') === null").getAsBoolean())
          .isTrue();
      assertThat(browser.evaluate(firstModel()).getAsString()).isEqualTo("s1/candidate");
      browser.evaluate("document.querySelector('button[data-key=mean_confidence]').click()");
      assertThat(browser.evaluate(firstModel()).getAsString()).isEqualTo("s1/candidate");
      browser.evaluate("document.querySelector('button[data-key=mean_confidence]').click()");
      assertThat(browser.evaluate(firstModel()).getAsString()).startsWith("s").endsWith("/current");
      assertThat(browser.errors()).isEmpty();
    }
  }

  @Test
  void demoReportRendersWithoutErrors() throws Exception {
    String demo = System.getenv("LITESCORE_DEMO_REPORT");
    Assumptions.assumeTrue(demo != null && !demo.isBlank(), "LITESCORE_DEMO_REPORT not set");
    Path binary = chromium();
    try (HeadlessChromium browser = HeadlessChromium.start(binary, tmp.resolve("profile"), WIDTH, 1000)) {
      JsonObject page = render(browser, Path.of(demo), "demo-report");
      assertThat(page.get("rows").getAsInt()).isPositive();
      assertThat(page.get("cards").getAsInt()).isPositive();
    }
  }

  /** Data points of the series of one type in a chart, as ECharts holds them after drawing. */
  private static int points(HeadlessChromium browser, String chart, String type) {
    return browser.evaluate("echarts.getInstanceByDom(document.getElementById('" + chart + "')).getOption().series"
        + ".filter(s => s.type === '" + type + "').reduce((n, s) => n + s.data.length, 0)").getAsInt();
  }

  private static List<String> chartIds(JsonObject page) {
    return page.getAsJsonArray("charts").asList().stream().map(c -> c.getAsJsonObject().get("id").getAsString())
        .toList();
  }

  private static String firstModel() {
    return "document.querySelector('#comparison tbody tr td').textContent";
  }

  /** Opens the report, checks what every report must satisfy, saves screenshots, returns the page's figures. */
  private static JsonObject render(HeadlessChromium browser, Path report, String name) throws Exception {
    assertThat(report).exists();
    browser.open(report.toAbsolutePath().toUri());
    browser.waitUntil("!!(window.litescoreReport && window.litescoreReport.ready)", Duration.ofSeconds(60));
    JsonElement v = browser.evaluate("""
        JSON.stringify({
          charts: Array.from(document.querySelectorAll('.chart')).map(div => {
            const svg = div.querySelector('svg');
            const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
            return {id: div.id, width: box.width, height: box.height,
                    shapes: svg ? svg.querySelectorAll('path, rect, circle, text').length : 0};
          }),
          rows: document.querySelectorAll('#comparison tbody tr').length,
          cards: document.querySelectorAll('#gallery .card').length,
          thumbnails: Array.from(document.querySelectorAll('#gallery img'))
              .filter(i => i.complete && i.naturalWidth > 0).length,
          disagreed: document.querySelectorAll('#disagreements-gallery .card').length,
          disagreedThumbnails: Array.from(document.querySelectorAll('#disagreements-gallery img'))
              .filter(i => i.complete && i.naturalWidth > 0).length,
          text: document.body.innerText,
          runs: document.querySelectorAll('#run-details .run').length
        })""");
    JsonObject page = com.google.gson.JsonParser.parseString(v.getAsString()).getAsJsonObject();
    JsonArray charts = page.getAsJsonArray("charts");
    assertThat(charts).as("charts on the page").isNotEmpty();
    for (JsonElement c : charts) {
      JsonObject chart = c.getAsJsonObject();
      assertThat(chart.get("width").getAsDouble()).as("width of " + chart).isGreaterThan(100);
      assertThat(chart.get("height").getAsDouble()).as("height of " + chart).isGreaterThan(100);
      assertThat(chart.get("shapes").getAsInt()).as("shapes drawn in " + chart).isGreaterThan(10);
    }
    Files.createDirectories(SCREENSHOTS);
    byte[] full = browser.screenshot(WIDTH, 0);
    Files.write(SCREENSHOTS.resolve(name + "-full.png"), full);
    Files.write(SCREENSHOTS.resolve(name + ".png"), browser.screenshot(WIDTH, 1900));
    assertThat(full).hasSizeGreaterThan(10_000);
    assertThat(browser.errors()).as("console errors and exceptions").isEmpty();
    assertThat(browser.networkRequests()).as("network requests").isEmpty();
    return page;
  }
}
