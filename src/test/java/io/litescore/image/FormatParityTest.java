package io.litescore.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litescore.testing.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One small file per format and variant, written by PIL ({@code notebooks/make_format_fixtures.py}): litescore's
 * decoded RGB equals PIL's {@code convert("RGB")}, byte for byte, through the default path (OpenCV where it applies)
 * and through ImageIO alone (the pure-Java fallback). The README's format table comes from here and from
 * WebpDecodeTest.
 */
class FormatParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> files() throws Exception {
    List<String> out = new ArrayList<>();
    JSON.readTree(Resources.bytes("formats/expected.json")).fieldNames().forEachRemaining(out::add);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void decodesToPilsPixels(String name) throws Exception {
    JsonNode e = JSON.readTree(Resources.bytes("formats/expected.json")).get(name);
    byte[] bytes = Resources.bytes("formats/" + name);
    byte[] pil = WebpDecodeTest.npyUint8(Resources.bytes("formats/" + e.get("rgb_npy").asText()));
    assertThat(WebpDecodeTest.sha256(pil)).isEqualTo(e.get("rgb_sha256").asText());
    for (ImageDecoder d : List.of(new ImageDecoder(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false))) {
      RgbImage img = d.decode(bytes);
      assertThat(img.width()).as(name).isEqualTo(e.get("width").asInt());
      assertThat(img.height()).as(name).isEqualTo(e.get("height").asInt());
      assertThat(WebpDecodeTest.maxDiff(img.pixels(), pil)).as("%s (PIL mode %s): max level difference", name,
          e.get("mode").asText()).isZero();
    }
  }
}
