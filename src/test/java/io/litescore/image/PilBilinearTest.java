package io.litescore.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class PilBilinearTest {
  private static RgbImage solid(int w, int h, int r, int g, int b) {
    byte[] px = new byte[w * h * 3];
    for (int i = 0; i < w * h; i++) {
      px[3 * i] = (byte) r;
      px[3 * i + 1] = (byte) g;
      px[3 * i + 2] = (byte) b;
    }
    return new RgbImage(w, h, px);
  }

  @Test
  void weightsOfEachOutputPixelSumToOneInFixedPoint() {
    PilBilinear.Taps taps = PilBilinear.coefficients(1000, 293);
    for (int[] k : taps.weights()) {
      int sum = 0;
      for (int v : k) {
        sum += v;
      }
      assertThat(Math.abs(sum - (1 << 22))).isLessThanOrEqualTo(k.length);
    }
    // downscaling by 1000/293 widens the support: more than the 3 taps of plain bilinear
    assertThat(taps.count()[100]).isGreaterThan(3);
  }

  @Test
  void solidColourStaysSolidWhenDownAndUpscaling() {
    RgbImage img = solid(37, 23, 200, 17, 99);
    for (int[] size : new int[][] {{10, 7}, {64, 64}, {37, 50}, {80, 23}}) {
      RgbImage out = PilBilinear.resize(img, size[0], size[1]);
      assertThat(out.width()).isEqualTo(size[0]);
      assertThat(out.height()).isEqualTo(size[1]);
      for (int i = 0; i < out.pixels().length; i += 3) {
        assertThat(new int[] {out.pixels()[i] & 0xff, out.pixels()[i + 1] & 0xff, out.pixels()[i + 2] & 0xff})
            .containsExactly(200, 17, 99);
      }
    }
  }

  @Test
  void sameSizeIsIdentity() {
    RgbImage img = solid(5, 4, 1, 2, 3);
    assertThat(PilBilinear.resize(img, 5, 4)).isSameAs(img);
  }

  @Test
  void resizeRulesFollowTorchvision() {
    assertThat(Preprocessing.resizedSize(451, 300, 256)).containsExactly(384, 256);
    assertThat(Preprocessing.resizedSize(512, 600, 256)).containsExactly(256, 300);
    assertThat(Preprocessing.resizedSize(28, 28, 32)).containsExactly(32, 32);
    // round half to even: (293 - 224) / 2 = 34.5 -> 34 ; (341 - 224) / 2 = 58.5 -> 58
    assertThat(Preprocessing.cropOrigin(293, 256, 224)).containsExactly(16, 34);
    assertThat(Preprocessing.cropOrigin(341, 256, 224)).containsExactly(16, 58);
    assertThat(Preprocessing.cropOrigin(256, 300, 224)).containsExactly(38, 16);
  }

  @Test
  void npyRoundTrip() throws Exception {
    float[] data = {1f, -2.5f, 3.25f, Float.MIN_VALUE, 0f, 7f};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.writeFloat32(out, new int[] {2, 3}, data);
    byte[] bytes = out.toByteArray();
    assertThat((10 + (bytes[8] & 0xff)) % 64).isZero(); // header aligned to 64 bytes
    Npy.Array back = Npy.readFloat32(new ByteArrayInputStream(bytes));
    assertThat(back.shape()).containsExactly(2, 3);
    assertThat(back.data()).containsExactly(data);
  }
}
