package io.litescore.image;

/**
 * Pillow's {@code Image.resize(size, BILINEAR)} for 8-bit RGB, bit for bit (Pillow 9.x, libImaging/Resample.c).
 *
 * <p>A triangle filter whose support grows with the downscale factor (so downscaling is antialiased), weights in
 * 22-bit fixed point, a horizontal pass then a vertical pass with the intermediate image rounded and clipped to
 * uint8. Only the rows the vertical pass reads are resampled horizontally.
 */
public final class PilBilinear {
  private static final int PRECISION_BITS = 32 - 8 - 2;

  private PilBilinear() {}

  /** The filter taps of one output pixel: the first input index and the fixed-point weights. */
  record Taps(int[] first, int[] count, int[][] weights) {}

  static Taps coefficients(int inSize, int outSize) {
    double scale = (double) inSize / outSize;
    double filterScale = Math.max(scale, 1.0);
    double support = filterScale; // bilinear filter support is 1.0
    double ss = 1.0 / filterScale;
    int[] first = new int[outSize];
    int[] count = new int[outSize];
    int[][] weights = new int[outSize][];
    for (int xx = 0; xx < outSize; xx++) {
      double center = (xx + 0.5) * scale;
      int xmin = Math.max((int) (center - support + 0.5), 0);
      int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
      double[] w = new double[xmax];
      double total = 0.0;
      for (int x = 0; x < xmax; x++) {
        double t = Math.abs((x + xmin - center + 0.5) * ss);
        w[x] = t < 1.0 ? 1.0 - t : 0.0;
        total += w[x];
      }
      int[] k = new int[xmax];
      for (int x = 0; x < xmax; x++) {
        double v = total != 0.0 ? w[x] / total : w[x];
        k[x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
      }
      first[xx] = xmin;
      count[xx] = xmax;
      weights[xx] = k;
    }
    return new Taps(first, count, weights);
  }

  private static int clip8(int ss) {
    int v = ss >> PRECISION_BITS;
    return v < 0 ? 0 : Math.min(v, 255);
  }

  /** Resizes {@code src} to {@code outWidth x outHeight}. Returns {@code src} itself when the size is unchanged. */
  public static RgbImage resize(RgbImage src, int outWidth, int outHeight) {
    int w = src.width();
    int h = src.height();
    if (w == outWidth && h == outHeight) {
      return src;
    }
    Taps vertical = coefficients(h, outHeight);
    byte[] in = src.pixels();
    int rowsFrom = 0;
    int rows = h;
    if (outWidth != w) {
      if (outHeight != h) {
        rowsFrom = vertical.first()[0];
        rows = vertical.first()[outHeight - 1] + vertical.count()[outHeight - 1] - rowsFrom;
      }
      in = horizontal(in, w, rowsFrom, rows, coefficients(w, outWidth), outWidth);
      w = outWidth;
    }
    if (outHeight == h) {
      return new RgbImage(w, h, in);
    }
    return new RgbImage(w, outHeight, vertical(in, w, rowsFrom, vertical, outHeight));
  }

  private static byte[] horizontal(byte[] in, int w, int rowsFrom, int rows, Taps taps, int outW) {
    byte[] out = new byte[outW * rows * 3];
    int half = 1 << (PRECISION_BITS - 1);
    for (int y = 0; y < rows; y++) {
      int rowIn = (y + rowsFrom) * w * 3;
      int rowOut = y * outW * 3;
      for (int xx = 0; xx < outW; xx++) {
        int[] k = taps.weights()[xx];
        int base = rowIn + taps.first()[xx] * 3;
        int r = half;
        int g = half;
        int b = half;
        for (int x = 0; x < k.length; x++) {
          int p = base + x * 3;
          r += (in[p] & 0xff) * k[x];
          g += (in[p + 1] & 0xff) * k[x];
          b += (in[p + 2] & 0xff) * k[x];
        }
        int o = rowOut + xx * 3;
        out[o] = (byte) clip8(r);
        out[o + 1] = (byte) clip8(g);
        out[o + 2] = (byte) clip8(b);
      }
    }
    return out;
  }

  private static byte[] vertical(byte[] in, int w, int rowsFrom, Taps taps, int outH) {
    int stride = w * 3;
    byte[] out = new byte[stride * outH];
    int half = 1 << (PRECISION_BITS - 1);
    int[] acc = new int[stride];
    for (int yy = 0; yy < outH; yy++) {
      int[] k = taps.weights()[yy];
      int first = taps.first()[yy] - rowsFrom;
      java.util.Arrays.fill(acc, half);
      for (int y = 0; y < k.length; y++) {
        int row = (first + y) * stride;
        int weight = k[y];
        for (int i = 0; i < stride; i++) {
          acc[i] += (in[row + i] & 0xff) * weight;
        }
      }
      int o = yy * stride;
      for (int i = 0; i < stride; i++) {
        out[o + i] = (byte) clip8(acc[i]);
      }
    }
    return out;
  }
}
