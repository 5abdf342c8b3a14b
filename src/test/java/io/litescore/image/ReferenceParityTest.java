package io.litescore.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litescore.testing.Resources;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The preprocessing equals torchvision's, bit for bit, on eight real photos (see reference/README.md). */
class ReferenceParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<JsonNode> photos() throws Exception {
    JsonNode index = JSON.readTree(Resources.bytes("reference/index.json"));
    List<JsonNode> out = new ArrayList<>();
    index.get("photos").forEach(out::add);
    return out.stream();
  }

  private static String sha256(byte[] b) throws Exception {
    return Resources.hex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("photos")
  void decodeResizeCropAndTensorAreBitExact(JsonNode photo) throws Exception {
    String file = photo.get("file").asText();
    RgbImage rgb = new ImageDecoder().decode(Resources.bytes("reference/photos/" + file));
    assertThat(sha256(rgb.pixels())).as("decoded RGB of %s", file).isEqualTo(photo.get("decoded_rgb_sha256").asText());

    int[] size = Preprocessing.resizedSize(rgb.width(), rgb.height(), 256);
    assertThat(size).containsExactly(photo.get("resized_wh").get(0).asInt(), photo.get("resized_wh").get(1).asInt());
    int[] origin = Preprocessing.cropOrigin(size[0], size[1], 224);
    assertThat(origin).containsExactly(
        photo.get("crop_top_left").get(0).asInt(), photo.get("crop_top_left").get(1).asInt());

    Preprocessing p = Preprocessing.imagenet(256, 224);
    assertThat(sha256(p.resizeAndCrop(rgb).pixels())).as("crop of %s", file)
        .isEqualTo(photo.get("crop_uint8_sha256").asText());

    float[] tensor = p.apply(rgb);
    ByteBuffer le = ByteBuffer.allocate(tensor.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    le.asFloatBuffer().put(tensor);
    JsonNode expected = JSON.readTree(Resources.bytes("reference/tensor_sha256.json")).get(photo.get("stem").asText());
    assertThat(sha256(le.array())).as("float32 tensor of %s", file)
        .isEqualTo(expected.get("float32_le_sha256").asText());
  }
}
