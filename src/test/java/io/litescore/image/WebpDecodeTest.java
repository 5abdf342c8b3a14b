package io.litescore.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litescore.testing.Resources;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * WebP (issue #13): lossy, lossless, with alpha, animated (first frame), against what PIL 9.4 decoded from the same
 * files ({@code webp/expected.json}, made by {@code notebooks/make_webp_fixtures.py}).
 */
class WebpDecodeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> files() throws Exception {
    List<String> out = new ArrayList<>();
    expected().fieldNames().forEachRemaining(out::add);
    return out.stream();
  }

  static JsonNode expected() throws Exception {
    return JSON.readTree(Resources.bytes("webp/expected.json")).get("files");
  }

  static String sha256(byte[] b) throws Exception {
    return Resources.hex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String tensorSha256(float[] t) throws Exception {
    ByteBuffer le = ByteBuffer.allocate(t.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    le.asFloatBuffer().put(t);
    return sha256(le.array());
  }

  /** The uint8 payload of a C-order {@code .npy} (header skipped). */
  static byte[] npyUint8(byte[] npy) {
    assertThat(new String(npy, 1, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
    int headerLen = (npy[8] & 0xff) | ((npy[9] & 0xff) << 8);
    String header = new String(npy, 10, headerLen, java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(header).contains("'descr': '|u1'").contains("'fortran_order': False");
    return Arrays.copyOfRange(npy, 10 + headerLen, npy.length);
  }

  static int maxDiff(byte[] a, byte[] b) {
    assertThat(a).hasSameSizeAs(b);
    int max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((a[i] & 0xff) - (b[i] & 0xff)));
    }
    return max;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void decodesAsPilDoes(String name) throws Exception {
    JsonNode e = expected().get(name);
    byte[] bytes = Resources.bytes("webp/" + name);
    RgbImage img = new ImageDecoder().decode(bytes);
    assertThat(img.width()).isEqualTo(e.get("width").asInt());
    assertThat(img.height()).isEqualTo(e.get("height").asInt());
    byte[] pil = npyUint8(Resources.bytes("webp/" + e.get("rgb_npy").asText()));
    assertThat(sha256(pil)).as("the .npy is PIL's decode").isEqualTo(e.get("rgb_sha256").asText());
    WebpHeader h = WebpHeader.read(bytes);
    assertThat(h.width()).isEqualTo(img.width());
    assertThat(h.height()).isEqualTo(img.height());
    assertThat(h.animated()).isEqualTo(e.get("frames").asInt() > 1);
    assertThat(h.complete()).isTrue();
    if (h.lossless()) {
      assertThat(sha256(img.pixels())).as("lossless: PIL's pixels").isEqualTo(e.get("rgb_sha256").asText());
      assertThat(tensorSha256(Preprocessing.imagenet(256, 224).apply(img))).as("lossless: torchvision's tensor")
          .isEqualTo(e.get("tensor_sha256").asText());
    } else {
      assertThat(maxDiff(img.pixels(), pil)).as("lossy: within 3 levels of PIL").isLessThanOrEqualTo(3);
    }
  }

  @Test
  void theOpenCvBuildDecodesEvenLossyWebpBitExactly() throws Exception {
    // libwebp's VP8 decoding and its default (fancy) upsampling are integer code: OpenCV's libwebp gives PIL's pixels
    for (String name : files().toList()) {
      RgbImage img = new ImageDecoder().decode(Resources.bytes("webp/" + name));
      assertThat(sha256(img.pixels())).as(name).isEqualTo(expected().get(name).get("rgb_sha256").asText());
    }
  }

  @Test
  void pureJavaFallbackDecodesLosslessExactlyAndLossyApproximately() throws Exception {
    ImageDecoder imageIo = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false);
    for (String name : files().toList()) {
      JsonNode e = expected().get(name);
      byte[] bytes = Resources.bytes("webp/" + name);
      RgbImage img = imageIo.decode(bytes);
      assertThat(img.width()).as(name).isEqualTo(e.get("width").asInt());
      assertThat(img.height()).as(name).isEqualTo(e.get("height").asInt());
      if (WebpHeader.read(bytes).lossless()) {
        assertThat(sha256(img.pixels())).as(name).isEqualTo(e.get("rgb_sha256").asText());
      } else {
        // TwelveMonkeys' VP8 decoder upsamples chroma its own way: close, not PIL's pixels
        int diff = maxDiff(img.pixels(), npyUint8(Resources.bytes("webp/" + e.get("rgb_npy").asText())));
        assertThat(diff).as(name).isPositive().isLessThan(64);
      }
    }
  }

  @Test
  void sizeIsCheckedFromTheHeaderBeforeDecoding() throws Exception {
    byte[] lossless = Resources.bytes("webp/lossless.webp");
    assertThatThrownBy(() -> new ImageDecoder(150 * 100 - 1).decode(lossless))
        .isInstanceOf(ImageDecodeException.class).hasMessageContaining("150x100").hasMessageContaining("dataset.max-pixels");
    assertThat(new ImageDecoder(150 * 100).decode(lossless).width()).isEqualTo(150);
    byte[] animated = Resources.bytes("webp/animated.webp");
    WebpHeader h = WebpHeader.read(animated);
    assertThatThrownBy(() -> new ImageDecoder((long) h.width() * h.height() - 1).decode(animated))
        .isInstanceOf(ImageDecodeException.class).hasMessageContaining("dataset.max-pixels");
  }

  @Test
  void headerFacts() throws Exception {
    assertThat(WebpHeader.read("not a webp".getBytes())).isNull();
    assertThat(WebpHeader.read(Resources.bytes("webp/lossless-alpha.webp")).alpha()).isTrue();
    assertThat(WebpHeader.read(Resources.bytes("webp/lossless.webp")).lossless()).isTrue();
    assertThat(WebpHeader.read(Resources.bytes("webp/lossy.webp")).lossless()).isFalse();
    assertThat(WebpHeader.read(Resources.bytes("webp/animated-lossless.webp")).lossless()).isTrue();
    assertThat(WebpHeader.read(Resources.bytes("webp/lossy-alpha.webp")).alpha()).isTrue();
    byte[] lossy = Resources.bytes("webp/lossy.webp");
    assertThat(WebpHeader.read(Arrays.copyOf(lossy, lossy.length - 1)).complete()).isFalse();
  }

  @Test
  void damagedFilesGiveADecodeErrorNeverACrash() throws Exception {
    Random r = new Random(7);
    for (String name : files().toList()) {
      byte[] good = Resources.bytes("webp/" + name);
      for (ImageDecoder d : List.of(new ImageDecoder(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false))) {
        for (int len = 0; len < good.length; len += Math.max(1, good.length / 23)) {
          byte[] cut = Arrays.copyOf(good, len);
          assertThatThrownBy(() -> d.decode(cut)).as(name + " cut to " + cut.length)
              .isInstanceOf(ImageDecodeException.class);
        }
        for (int k = 0; k < 15; k++) {
          byte[] bad = good.clone();
          for (int n = 0; n < 8; n++) {
            bad[12 + r.nextInt(bad.length - 12)] = (byte) r.nextInt();
          }
          try {
            RgbImage img = d.decode(bad); // some damage decodes (to other pixels); that is allowed
            assertThat(img.width()).isPositive();
          } catch (ImageDecodeException expected) {
            assertThat(expected.getMessage()).isNotBlank();
          }
        }
      }
    }
  }
}
