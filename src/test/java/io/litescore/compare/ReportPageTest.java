package io.litescore.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.image.ImageDecoder;
import io.litescore.image.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The page is one self-contained file, and data cannot break out of it. */
class ReportPageTest {
  @Test
  void pageIsSelfContainedAndEscapesData() throws Exception {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("key", "</script><script>alert(1)</script>");
    model.put("top1", 0.5);
    ReportData.Disagreed card = new ReportData.Disagreed("s3a://b/<img>.png", "</script>.png", null, null,
        "image not found", false, 2, 2, "</script>", 1, 0.5, List.of(new ReportData.Prediction("m", null,
            List.of("</script>"), List.of(0.5f))));
    ReportData data = new ReportData("a <b> & 'c'", "2026-01-01T00:00:00Z", Map.of("spark", "4", "java", "17"),
        List.of(), List.of(model), List.of("x"), 1, 1, List.of(), List.of(), List.of(), false, List.of(),
        List.of(new ReportData.Confidence("</script>", new long[20], 0, null, null)), List.of(card), List.of());
    String html = ReportPage.render(data);

    assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>a &lt;b&gt; &amp; &#39;c&#39;</title>");
    assertThat(html).doesNotContain("{{");
    assertThat(html).doesNotContain("</script><script>alert(1)"); // the JSON escapes '<'
    assertThat(html).contains("\\u003c/script\\u003e");
    assertThat(html).contains("echarts").contains("litescoreReport");
    // nothing is fetched: no external scripts, stylesheets, images or fonts
    Matcher external = Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?(https?:)?//").matcher(html);
    assertThat(external.find()).as("external reference").isFalse();
    assertThat(html).doesNotContainIgnoringCase("<link ").doesNotContain("@import").doesNotContain("url(http");
    assertThat(ReportPage.echartsVersion()).matches("\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void thumbnailsShrinkLargeImagesAndKeepSmallOnes() throws Exception {
    byte[] big = png(300, 150, 0x336699);
    RgbImage t = new ImageDecoder().decode(Thumbnail.png(big, 96));
    assertThat(t.width()).isEqualTo(96);
    assertThat(t.height()).isEqualTo(48);
    assertThat(t.pixels()[0] & 0xff).isEqualTo(0x33);
    assertThat(t.pixels()[2] & 0xff).isEqualTo(0x99);
    RgbImage small = new ImageDecoder().decode(Thumbnail.png(png(28, 28, 0xffffff), 96));
    assertThat(small.width()).isEqualTo(28);
    String uri = Thumbnail.dataUri(big, 64);
    assertThat(uri).startsWith("data:image/png;base64,");
    assertThat(Base64.getDecoder().decode(uri.substring(uri.indexOf(',') + 1))).startsWith(0x89, 'P', 'N', 'G');
  }

  private static byte[] png(int w, int h, int rgb) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
