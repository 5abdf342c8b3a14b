package io.litescore.compare;

import io.litescore.image.ImageDecodeException;
import io.litescore.image.ImageDecoder;
import io.litescore.image.PilBilinear;
import io.litescore.image.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * Small PNG copies of images for the report, decoded as the score job decodes them (so what the report shows is
 * what the models saw) and shrunk with PIL's antialiased bilinear filter to fit a square box; images already
 * smaller than the box keep their size (the page scales them up, pixelated).
 */
public final class Thumbnail {
  /** Larger images are not decoded for a thumbnail. */
  static final long MAX_PIXELS = 50_000_000L;

  private Thumbnail() {}

  /** A {@code data:image/png;base64,...} URI of the image shrunk to fit {@code box} x {@code box}. */
  public static String dataUri(byte[] image, int box) throws ImageDecodeException {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(image, box));
  }

  /** The image decoded and shrunk to fit {@code box} x {@code box}, as PNG bytes. */
  public static byte[] png(byte[] image, int box) throws ImageDecodeException {
    if (box <= 0) {
      throw new IllegalArgumentException("Cannot make a thumbnail: box size must be positive, got " + box);
    }
    RgbImage rgb = new ImageDecoder(MAX_PIXELS).decode(image);
    int w = rgb.width();
    int h = rgb.height();
    if (w > box || h > box) {
      double scale = Math.min((double) box / w, (double) box / h);
      rgb = PilBilinear.resize(rgb, Math.max(1, (int) Math.round(w * scale)),
          Math.max(1, (int) Math.round(h * scale)));
    }
    BufferedImage out = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    byte[] px = rgb.pixels();
    for (int i = 0, n = rgb.width() * rgb.height() * 3; i < n; i += 3) {
      bgr[i] = px[i + 2];
      bgr[i + 1] = px[i + 1];
      bgr[i + 2] = px[i];
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(out, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
