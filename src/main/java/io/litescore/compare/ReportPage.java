package io.litescore.compare;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code report.html}: one self-contained file (inline CSS, data, Apache ECharts and the page script; no
 * network access) from {@link ReportData}.
 *
 * <p>Charts are drawn in the browser by Apache ECharts (Apache-2.0), taken at build time from the
 * {@code org.webjars:echarts} artifact on Maven Central and unpacked into the jar ({@code pom.xml}).
 */
public final class ReportPage {
  static final String RESOURCES = "io/litescore/compare/";
  static final String ECHARTS = RESOURCES + "vendor/echarts.min.js";
  static final String ECHARTS_POM = RESOURCES + "vendor/pom.properties";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Z_]+)}}");
  private static final Gson GSON = new GsonBuilder().serializeNulls().create();

  private ReportPage() {}

  /** The version of the bundled ECharts. */
  public static String echartsVersion() {
    Properties p = new Properties();
    try (InputStream in = ReportPage.class.getClassLoader().getResourceAsStream(ECHARTS_POM)) {
      if (in == null) {
        return "unknown";
      }
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The data as the page embeds it: JSON with {@code <}, {@code >} and {@code &} escaped. */
  public static String json(ReportData data) {
    return GSON.toJson(data);
  }

  public static String render(ReportData data) {
    Map<String, String> parts = Map.of(
        "TITLE", escapeHtml(data.title()),
        "CSS", resource(RESOURCES + "report.css"),
        "DATA", json(data),
        "ECHARTS_NOTICE", "Apache ECharts " + echartsVersion() + " (Apache-2.0; includes zrender, BSD-3-Clause), "
            + "https://echarts.apache.org, from org.webjars:echarts on Maven Central",
        "ECHARTS", resource(ECHARTS),
        "JS", resource(RESOURCES + "report.js"));
    String template = resource(RESOURCES + "report-template.html");
    // One pass over the template: inserted text is never scanned for placeholders.
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder(template.length() + 2_000_000);
    while (m.find()) {
      String value = parts.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("report template: unknown placeholder " + m.group());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String escapeHtml(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String resource(String name) {
    try (InputStream in = ReportPage.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Cannot render the report: resource " + name + " is missing from the "
            + "classpath" + (name.equals(ECHARTS) ? " (it is unpacked from org.webjars:echarts by `mvn "
            + "generate-resources`)" : ""));
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
