package io.litescore.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litescore.testing.Resources;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused, crop-only preprocessing ({@link CropResize}) against torchvision on odd sizes
 * ({@code preprocess/expected.json}, from {@code notebooks/make_preprocess_fixtures.py}), and against the plain
 * whole-image path ({@link Preprocessing#applyReference}) on many sizes.
 */
class FusedPreprocessingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static String sha256(byte[] b) throws Exception {
    return Resources.hex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String tensorSha256(float[] t) throws Exception {
    ByteBuffer le = ByteBuffer.allocate(t.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    le.asFloatBuffer().put(t);
    return sha256(le.array());
  }

  static Stream<String> fixtures() throws Exception {
    List<String> out = new ArrayList<>();
    JSON.readTree(Resources.bytes("preprocess/expected.json")).fieldNames().forEachRemaining(out::add);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void oddSizesAreTorchvisionsBitForBit(String name) throws Exception {
    JsonNode per = JSON.readTree(Resources.bytes("preprocess/expected.json")).get(name);
    RgbImage img = new ImageDecoder().decode(Resources.bytes("preprocess/" + name));
    Iterator<Map.Entry<String, JsonNode>> it = per.fields();
    int settings = 0;
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String[] rc = e.getKey().split("/");
      Preprocessing p = Preprocessing.imagenet(Integer.parseInt(rc[0]), Integer.parseInt(rc[1]));
      assertThat(sha256(p.resizeAndCrop(img).pixels())).as("%s %s crop", name, e.getKey())
          .isEqualTo(e.getValue().get("crop_uint8_sha256").asText());
      assertThat(tensorSha256(p.apply(img))).as("%s %s tensor", name, e.getKey())
          .isEqualTo(e.getValue().get("tensor_sha256").asText());
      settings++;
    }
    assertThat(settings).isGreaterThanOrEqualTo(5);
  }

  static RgbImage random(int w, int h, long seed) {
    Random r = new Random(seed);
    byte[] px = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int o = (y * w + x) * 3;
        px[o] = (byte) (x * 255 / Math.max(1, w - 1) + r.nextInt(60) - 30);
        px[o + 1] = (byte) (y * 255 / Math.max(1, h - 1) + r.nextInt(60) - 30);
        px[o + 2] = (byte) r.nextInt(256);
      }
    }
    return new RgbImage(w, h, px);
  }

  static void assertSameAsReference(Preprocessing p, RgbImage img, String what) {
    float[] fused = p.apply(img);
    float[] reference = p.applyReference(img);
    assertThat(fused.length).isEqualTo(reference.length);
    for (int i = 0; i < fused.length; i++) {
      if (Float.floatToRawIntBits(fused[i]) != Float.floatToRawIntBits(reference[i])) {
        throw new AssertionError(what + ": float " + i + " is " + fused[i] + ", the reference " + reference[i]);
      }
    }
    // the uint8 crop, whose ToTensor + Normalize the reference computes element by element
    byte[] crop = p.resizeAndCrop(img).pixels();
    int plane = p.crop() * p.crop();
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        float v = ((crop[i * 3 + c] & 0xff) / 255f - p.mean()[c]) / p.std()[c];
        if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(reference[c * plane + i])) {
          throw new AssertionError(what + ": crop byte " + i + "/" + c + " differs");
        }
      }
    }
  }

  @Test
  void manySizesAndSettingsMatchTheWholeImagePath() {
    int[][] sizes = {{1, 1}, {1, 500}, {500, 1}, {2, 3}, {37, 23}, {255, 256}, {256, 256}, {257, 256}, {256, 300},
        {300, 256}, {224, 224}, {223, 225}, {300, 1200}, {1200, 300}, {1000, 1000}, {4000, 90},
        {641, 480}, {480, 641}};
    int[][] settings = {{256, 224}, {232, 224}, {224, 224}, {256, 256}, {32, 28}, {64, 1}, {1, 1}, {57, 31}};
    long seed = 1;
    for (int[] s : sizes) {
      RgbImage img = random(s[0], s[1], seed++);
      for (int[] rc : settings) {
        assertSameAsReference(Preprocessing.imagenet(rc[0], rc[1]), img, s[0] + "x" + s[1] + " " + rc[0] + "/" + rc[1]);
      }
    }
    Random r = new Random(42);
    for (int k = 0; k < 25; k++) {
      int w = 1 + r.nextInt(700);
      int h = 1 + r.nextInt(700);
      int resize = 1 + r.nextInt(300);
      int crop = 1 + r.nextInt(resize);
      Preprocessing p = new Preprocessing(resize, crop, new float[] {r.nextFloat(), 0.5f, 0.1f},
          new float[] {0.2f + r.nextFloat(), 0.3f, 1f});
      assertSameAsReference(p, random(w, h, r.nextLong()), w + "x" + h + " " + resize + "/" + crop);
    }
  }

  @Test
  void imagesTooLargeForTheKeptWorkArraysGetTheirOwn() {
    // 4000x4000 at 256/224 reads ~3,500 source rows: 3 x 3,500 x 224 ints is over CropResize.KEEP_INTS
    RgbImage big = random(4000, 4000, 9);
    Preprocessing p = Preprocessing.imagenet(256, 224);
    assertThat(3L * 3500 * 224).isGreaterThan(CropResize.KEEP_INTS);
    assertSameAsReference(p, big, "4000x4000");
    RgbImage small = random(500, 375, 10);
    assertSameAsReference(p, small, "500x375 after it");
    assertSameAsReference(p, big, "4000x4000 again");
  }

  @Test
  void fastModeReducedJpegsToo() throws Exception {
    ImageDecoder d = new ImageDecoder();
    for (int[] s : new int[][] {{1000, 600}, {600, 1300}, {2100, 2100}}) {
      BufferedImage img = new BufferedImage(s[0], s[1], BufferedImage.TYPE_INT_RGB);
      Random r = new Random(s[0]);
      for (int y = 0; y < s[1]; y++) {
        for (int x = 0; x < s[0]; x++) {
          img.setRGB(x, y, ((x * 255 / s[0]) << 16) | ((y * 255 / s[1]) << 8) | r.nextInt(256));
        }
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(img, "jpg", out);
      Preprocessing p = Preprocessing.imagenet(256, 224);
      RgbImage reduced = d.decode(out.toByteArray(), 256);
      assertThat(Math.min(reduced.width(), reduced.height())).isLessThan(Math.min(s[0], s[1]));
      assertSameAsReference(p, reduced, "fast " + s[0] + "x" + s[1]);
    }
  }

  @Test
  void writesOnlyItsSliceOfADirectBatchBuffer() {
    Preprocessing p = Preprocessing.imagenet(64, 56);
    RgbImage a = random(200, 150, 1);
    RgbImage b = random(90, 120, 2);
    int n = p.tensorSize();
    FloatBuffer batch = ByteBuffer.allocateDirect((3 * n + 5) * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < batch.capacity(); i++) {
      batch.put(i, -7f);
    }
    p.apply(a, batch, 1);
    p.apply(b, batch, 1 + 2 * n);
    float[] ea = p.applyReference(a);
    float[] eb = p.applyReference(b);
    assertThat(batch.get(0)).isEqualTo(-7f);
    for (int i = 0; i < n; i++) {
      assertThat(batch.get(1 + i)).isEqualTo(ea[i]);
      assertThat(batch.get(1 + n + i)).isEqualTo(-7f);
      assertThat(batch.get(1 + 2 * n + i)).isEqualTo(eb[i]);
    }
    assertThat(batch.get(3 * n + 1)).isEqualTo(-7f);
    assertThat(batch.position()).isZero();
    float[] heap = new float[n + 3];
    p.apply(a, heap, 3);
    assertThat(java.util.Arrays.equals(java.util.Arrays.copyOfRange(heap, 3, n + 3), ea)).isTrue();
    assertThatThrownBy(() -> p.apply(a, batch, 3 * n)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void channelsLastIsTheSameValuesInHwcOrder() {
    int[][] sizes = {{200, 150}, {90, 120}, {224, 224}, {1200, 300}, {7, 500}};
    for (int[] wh : sizes) {
      for (Preprocessing p : List.of(Preprocessing.imagenet(256, 224), Preprocessing.imagenet(64, 56))) {
        RgbImage img = random(wh[0], wh[1], wh[0] * 31L + wh[1]);
        float[] chw = p.applyReference(img);
        int n = p.tensorSize();
        int plane = p.crop() * p.crop();
        FloatBuffer hwc = ByteBuffer.allocateDirect((n + 2) * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        hwc.put(0, -7f).put(n + 1, -7f);
        p.apply(img, hwc, 1, true);
        assertThat(hwc.get(0)).isEqualTo(-7f);
        assertThat(hwc.get(n + 1)).isEqualTo(-7f);
        for (int i = 0; i < plane; i++) {
          for (int c = 0; c < 3; c++) {
            if (Float.floatToIntBits(hwc.get(1 + i * 3 + c)) != Float.floatToIntBits(chw[c * plane + i])) {
              throw new AssertionError(wh[0] + "x" + wh[1] + " " + p + ": pixel " + i + " channel " + c + " differs");
            }
          }
        }
      }
    }
  }

  @Test
  void relayoutReordersWithoutChangingValues() {
    Preprocessing p = Preprocessing.imagenet(64, 56);
    RgbImage img = random(150, 90, 5);
    int n = p.tensorSize();
    FloatBuffer chw = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer hwc = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer batch = ByteBuffer.allocateDirect((2 * n + 1) * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    p.apply(img, chw, 0);
    p.apply(img, hwc, 0, true);
    Preprocessing.relayout(chw, 0, batch, 1, p.crop(), true);
    Preprocessing.relayout(hwc, 0, batch, 1 + n, p.crop(), false);
    for (int i = 0; i < n; i++) {
      assertThat(Float.floatToIntBits(batch.get(1 + i))).isEqualTo(Float.floatToIntBits(hwc.get(i)));
      assertThat(Float.floatToIntBits(batch.get(1 + n + i))).isEqualTo(Float.floatToIntBits(chw.get(i)));
    }
  }

  @Test
  void threadsDoNotShareWorkArrays() throws Exception {
    Preprocessing p = Preprocessing.imagenet(256, 224);
    List<RgbImage> imgs = List.of(random(800, 600, 1), random(300, 900, 2), random(256, 256, 3), random(31, 700, 4));
    List<float[]> expected = imgs.stream().map(p::applyReference).toList();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      int start = t;
      threads.add(new Thread(() -> {
        try {
          for (int k = 0; k < 12; k++) {
            int i = (start + k) % imgs.size();
            if (!java.util.Arrays.equals(p.apply(imgs.get(i)), expected.get(i))) {
              throw new AssertionError("image " + i + " differs on " + Thread.currentThread().getName());
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).isEmpty();
  }
}
