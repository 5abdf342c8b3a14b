package io.litescore.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** {@code preprocessing.mode = fast}: JPEG frame headers, the reduction chosen, and reduced decoding itself. */
class FastDecodeTest {
  static byte[] photo(String name) throws IOException {
    try (InputStream in = FastDecodeTest.class.getResourceAsStream("/reference/photos/" + name)) {
      return in.readAllBytes();
    }
  }

  static byte[] jpeg(int w, int h, int type) throws IOException {
    BufferedImage img = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int v = (x * 255 / w) & 0xff;
        img.setRGB(x, y, (v << 16) | (((y * 255 / h) & 0xff) << 8) | 0x40);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpg", out);
    return out.toByteArray();
  }

  @Test
  void headerGivesSizeComponentsAndCompleteness() throws IOException {
    byte[] rgb = jpeg(1000, 600, BufferedImage.TYPE_INT_RGB);
    JpegHeader h = JpegHeader.read(rgb);
    assertThat(h).isEqualTo(new JpegHeader(1000, 600, 3, true));
    assertThat(JpegHeader.read(jpeg(64, 48, BufferedImage.TYPE_BYTE_GRAY)).components()).isEqualTo(1);
    assertThat(JpegHeader.read(Arrays.copyOf(rgb, rgb.length / 2)).complete()).isFalse();
    assertThat(JpegHeader.read("not a jpeg at all".getBytes())).isNull();
    assertThat(JpegHeader.read(new byte[0])).isNull();
  }

  @Test
  void reductionKeepsTheShortSideAtLeastTheResize() {
    assertThat(new JpegHeader(1000, 600, 3, true).reduction(256)).isEqualTo(2); // 300 >= 256 > 150
    assertThat(new JpegHeader(4000, 3000, 3, true).reduction(256)).isEqualTo(8); // 375
    assertThat(new JpegHeader(2400, 1600, 3, true).reduction(256)).isEqualTo(4); // 400; 1/8 gives 200
    assertThat(new JpegHeader(500, 375, 3, true).reduction(256)).isEqualTo(1);
    assertThat(new JpegHeader(448, 448, 3, true).reduction(32)).isEqualTo(8); // 56
  }

  @Test
  void largeJpegsDecodeReducedAndCloseToExact() throws Exception {
    ImageDecoder d = new ImageDecoder();
    byte[] big = jpeg(1000, 600, BufferedImage.TYPE_INT_RGB);
    RgbImage fast = d.decode(big, 256);
    assertThat(fast.width()).isEqualTo(500);
    assertThat(fast.height()).isEqualTo(300);

    Preprocessing p = Preprocessing.imagenet(256, 224);
    float[] exact = p.apply(d.decode(big));
    float[] reduced = p.apply(fast);
    double mean = 0;
    for (int i = 0; i < exact.length; i++) {
      mean += Math.abs(exact[i] - reduced[i]);
    }
    mean /= exact.length;
    assertThat(mean).as("mean |exact - fast| on a smooth gradient, normalised units").isLessThan(0.05);

    // a real photo: 512x512 -> 1/2 scale for resize 256
    RgbImage hubble = d.decode(photo("hubble_deep_field.jpg"), 256);
    RgbImage hubbleExact = d.decode(photo("hubble_deep_field.jpg"));
    if (Math.min(hubbleExact.width(), hubbleExact.height()) >= 512) {
      assertThat(hubble.width()).isLessThan(hubbleExact.width());
    }
  }

  @Test
  void everythingElseDecodesExactly() throws Exception {
    ImageDecoder d = new ImageDecoder();
    byte[] small = jpeg(400, 300, BufferedImage.TYPE_INT_RGB); // short side < 2 x 256: no reduction
    assertThat(d.decode(small, 256).pixels()).isEqualTo(d.decode(small).pixels());
    byte[] png = photo("chelsea.png");
    assertThat(d.decode(png, 64).pixels()).isEqualTo(d.decode(png).pixels());
    assertThat(d.decode(png, 0).pixels()).isEqualTo(d.decode(png).pixels());

    byte[] big = jpeg(1000, 600, BufferedImage.TYPE_INT_RGB);
    byte[] truncated = Arrays.copyOf(big, big.length * 2 / 3);
    assertThatThrownBy(() -> d.decode(truncated, 256)).isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> new ImageDecoder(1000).decode(big, 256)).isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("dataset.max-pixels");
  }
}
