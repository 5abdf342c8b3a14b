package io.litescore.image;

import java.nio.FloatBuffer;

/**
 * {@code Resize} (Pillow's bilinear, bit for bit, see {@link PilBilinear}) then {@code CenterCrop}, computing only
 * what the crop keeps: the horizontal pass runs only on the source rows the crop's rows read, and only for the crop's
 * columns; the vertical pass only for the crop's rows and columns. Pillow computes every output pixel the same way
 * whatever the crop, so skipping the ones the crop throws away changes no value. A pass Pillow skips (same width or
 * height) is an identity pass here: one tap of weight 1.0, which gives back the same values.
 *
 * <p>The horizontal pass, where almost all the work is, runs on columns: a band of source rows is first transposed
 * into one int array per source column and channel (the band's rows side by side, tile by tile), so that each filter tap is one
 * multiply-add over whole arrays at offset 0, which the JIT (C2, JDK 17) turns into vector instructions (it does not
 * for byte-to-int loops, nor for two arrays read at different offsets). Its result stays in columns, one int array
 * per output column and channel; the vertical pass resamples those arrays and writes, fused, either the uint8 crop
 * or the normalised float32 tensor, in CHW order or channels-last (HWC), through a 256-entry table per channel holding exactly
 * {@code ((v / 255f) - mean) / std}.
 */
final class CropResize {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final int HALF = 1 << (PRECISION_BITS - 1);
  /** Source rows per transposed band: 3 x span x BAND ints stay within a core's L2 for usual crops. */
  static final int BAND = 64;
  /** Source columns per tile of the band's transposition. */
  private static final int TILE = 64;

  /** Per-thread work arrays, grown as needed (a scoring task preprocesses on one or two threads). */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private CropResize() {}

  /**
   * Work arrays kept per thread up to this many ints each (8 MB): enough for photos of ~12 MP at the usual crops; a
   * larger image gets arrays of its own, so an executor's threads do not each hold on to the largest they met.
   */
  static final int KEEP_INTS = 1 << 21;

  private static final class Scratch {
    int[][] band = new int[0][];
    int[][][] rows = new int[3][0][];
    int rowLength;
    final int[] acc = new int[3 * BAND];
    int[] accRow = new int[0];
    float[] tensor = new float[0];

    /** One array per source column: its band rows, R then G then B ({@code [c * BAND + r]}). */
    int[][] band(int span) {
      if (band.length >= span) {
        return band;
      }
      int[][] b = new int[span][3 * BAND];
      if ((long) span * 3 * BAND <= KEEP_INTS) {
        band = b;
      }
      return b;
    }

    /** The horizontal pass' result, one array per channel and row, crop wide. */
    int[][][] rows(int crop, int n) {
      if (rows[0].length >= n && rowLength >= crop) {
        return rows;
      }
      int[][][] r = new int[3][Math.max(n, rows[0].length)][Math.max(crop, rowLength)];
      if (3L * r[0].length * r[0][0].length <= KEEP_INTS) {
        rows = r;
        rowLength = r[0][0].length;
      }
      return r;
    }

    int[] accRow(int crop) {
      if (accRow.length < crop) {
        accRow = new int[crop];
      }
      return accRow;
    }

    float[] tensor(int n) {
      if (tensor.length < n) {
        tensor = new float[n];
      }
      return tensor;
    }
  }

  /**
   * The taps of output pixels {@code [from, from + count)} of a resize from {@code inSize} to {@code outSize},
   * flattened: output {@code i} reads inputs {@code first[i] .. first[i] + count[i] - 1} with weights
   * {@code weights[start[i] ..]}. The arithmetic is Pillow's ({@code precompute_coeffs}), as in
   * {@link PilBilinear#coefficients}.
   */
  record Taps(int[] first, int[] count, int[] start, int[] weights) {
    int end() {
      int last = first.length - 1;
      return first[last] + count[last];
    }
  }

  static Taps taps(int inSize, int outSize, int from, int n) {
    double scale = (double) inSize / outSize;
    double filterScale = Math.max(scale, 1.0);
    double support = filterScale; // bilinear: support 1.0, scaled when downscaling
    double ss = 1.0 / filterScale;
    int[] first = new int[n];
    int[] count = new int[n];
    int[] start = new int[n];
    int maxTaps = (int) Math.ceil(support) * 2 + 1;
    int[] weights = new int[n * maxTaps];
    double[] w = new double[maxTaps + 2];
    int at = 0;
    for (int i = 0; i < n; i++) {
      int xx = from + i;
      double center = (xx + 0.5) * scale;
      int xmin = Math.max((int) (center - support + 0.5), 0);
      int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
      if (w.length < xmax) {
        w = new double[xmax];
      }
      double total = 0.0;
      for (int x = 0; x < xmax; x++) {
        double t = Math.abs((x + xmin - center + 0.5) * ss);
        w[x] = t < 1.0 ? 1.0 - t : 0.0;
        total += w[x];
      }
      if (weights.length < at + xmax) {
        weights = java.util.Arrays.copyOf(weights, Math.max(weights.length * 2, at + xmax));
      }
      for (int x = 0; x < xmax; x++) {
        double v = total != 0.0 ? w[x] / total : w[x];
        weights[at + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
      }
      first[i] = xmin;
      count[i] = xmax;
      start[i] = at;
      at += xmax;
    }
    return new Taps(first, count, start, weights);
  }

  /** Output pixel {@code i} reads input {@code from + i} with weight 1.0: a pass Pillow leaves out. */
  static Taps identity(int from, int n) {
    int[] first = new int[n];
    int[] count = new int[n];
    int[] start = new int[n];
    int[] weights = new int[n];
    for (int i = 0; i < n; i++) {
      first[i] = from + i;
      count[i] = 1;
      start[i] = i;
      weights[i] = 1 << PRECISION_BITS;
    }
    return new Taps(first, count, start, weights);
  }

  /** The 256 values {@code ((v / 255f) - mean) / std} of one channel, computed as PyTorch does (float32). */
  static float[] table(float mean, float std) {
    float[] t = new float[256];
    for (int v = 0; v < 256; v++) {
      float x = v / 255f;
      t[v] = (x - mean) / std;
    }
    return t;
  }

  /**
   * Resize {@code src} to {@code outW x outH}, crop {@code crop x crop} at ({@code top}, {@code left}), and write
   * either the uint8 crop, interleaved RGB, into {@code bytesOut} ({@code tables == null}), or the tensor through
   * {@code tables[c]} into {@code out} at {@code offset}: CHW, or channels-last ({@code [y][x][c]}) with {@code hwc}.
   */
  static void run(RgbImage src, int outW, int outH, int top, int left, int crop, float[][] tables, boolean hwc,
      FloatBuffer out, int offset, byte[] bytesOut) {
    int w = src.width();
    int h = src.height();
    if (top < 0 || left < 0 || top + crop > outH || left + crop > outW) {
      throw new IllegalArgumentException("Cannot crop " + crop + "x" + crop + " at " + left + "," + top + " from "
          + outW + "x" + outH);
    }
    Taps ht = outW != w ? taps(w, outW, left, crop) : identity(left, crop);
    Taps vt = outH != h ? taps(h, outH, top, crop) : identity(top, crop);
    int y0 = vt.first()[0];
    int n = vt.end() - y0;
    Scratch s = SCRATCH.get();
    int[][][] rows = s.rows(crop, n);
    horizontal(src.pixels(), w, h, y0, n, ht, crop, s, rows);
    vertical(rows, y0, vt, crop, tables, hwc, s, bytesOut);
    if (tables != null) {
      out.put(offset, s.tensor, 0, 3 * crop * crop);
    }
  }

  /**
   * Horizontal pass over source rows {@code [y0, y0 + n)}: {@code rows[c][r][xx]} = output column {@code xx} of
   * channel {@code c} at source row {@code y0 + r}, rounded and clipped to 0..255 as Pillow's uint8 intermediate.
   */
  private static void horizontal(byte[] in, int w, int h, int y0, int n, Taps taps, int outW, Scratch s,
      int[][][] rows) {
    int[] first = taps.first();
    int[] count = taps.count();
    int[] start = taps.start();
    int[] weights = taps.weights();
    int xs = first[0];
    int span = taps.end() - xs;
    int[][] band = s.band(span);
    int[] acc = s.acc;
    int stride = w * 3;
    for (int r0 = 0; r0 < n; r0 += BAND) {
      int m = Math.min(BAND, n - r0);
      int base = (y0 + r0) * stride + xs * 3;
      for (int x0 = 0; x0 < span; x0 += TILE) {
        // a tile of TILE columns row by row: each row's bytes are read in order, and the tile's 64 rows touch their
        // memory pages once per tile, not once per column (a third faster than going down each column)
        int x1 = Math.min(span, x0 + TILE);
        int r = 0;
        for (; r + 3 < m; r += 4) {
          // four rows at a time: one column array looked up (and bounds-checked) per 12 values, not per 3
          int p = base + r * stride + 3 * x0;
          for (int x = x0; x < x1; x++, p += 3) {
            int[] d = band[x];
            d[r] = in[p] & 0xff;
            d[r + 1] = in[p + stride] & 0xff;
            d[r + 2] = in[p + 2 * stride] & 0xff;
            d[r + 3] = in[p + 3 * stride] & 0xff;
            d[BAND + r] = in[p + 1] & 0xff;
            d[BAND + r + 1] = in[p + 1 + stride] & 0xff;
            d[BAND + r + 2] = in[p + 1 + 2 * stride] & 0xff;
            d[BAND + r + 3] = in[p + 1 + 3 * stride] & 0xff;
            d[2 * BAND + r] = in[p + 2] & 0xff;
            d[2 * BAND + r + 1] = in[p + 2 + stride] & 0xff;
            d[2 * BAND + r + 2] = in[p + 2 + 2 * stride] & 0xff;
            d[2 * BAND + r + 3] = in[p + 2 + 3 * stride] & 0xff;
          }
        }
        for (; r < m; r++) {
          int p = base + r * stride + 3 * x0;
          for (int x = x0; x < x1; x++, p += 3) {
            int[] d = band[x];
            d[r] = in[p] & 0xff;
            d[BAND + r] = in[p + 1] & 0xff;
            d[2 * BAND + r] = in[p + 2] & 0xff;
          }
        }
      }
      int[][] r0rows = rows[0];
      int[][] r1rows = rows[1];
      int[][] r2rows = rows[2];
      for (int xx = 0; xx < outW; xx++) {
        // all three channels and the whole band in one loop at offset 0 (rows past m: left-overs, never stored)
        java.util.Arrays.fill(acc, HALF);
        accumulate(acc, 3 * BAND, band, first[xx] - xs, weights, start[xx], count[xx]);
        for (int r = 0; r < m; r++) {
          // weights are >= 0, so the sum is never below 0
          r0rows[r0 + r][xx] = Math.min(acc[r] >> PRECISION_BITS, 255);
          r1rows[r0 + r][xx] = Math.min(acc[BAND + r] >> PRECISION_BITS, 255);
          r2rows[r0 + r][xx] = Math.min(acc[2 * BAND + r] >> PRECISION_BITS, 255);
        }
      }
    }
  }

  /**
   * {@code acc[i] += sum over t of src[from + t][i] * weights[k0 + t]} for {@code i < len}, {@code t < taps}: four
   * taps per sweep over {@code acc} (a tenth faster than one: a quarter of the loads and stores of {@code acc}).
   * The sums are the same ints in any order.
   */
  private static void accumulate(int[] acc, int len, int[][] src, int from, int[] weights, int k0, int taps) {
    int t = 0;
    for (; t + 3 < taps; t += 4) {
      int ka = weights[k0 + t];
      int kb = weights[k0 + t + 1];
      int kc = weights[k0 + t + 2];
      int kd = weights[k0 + t + 3];
      int[] a = src[from + t];
      int[] b = src[from + t + 1];
      int[] c = src[from + t + 2];
      int[] d = src[from + t + 3];
      for (int i = 0; i < len; i++) {
        acc[i] += a[i] * ka + b[i] * kb + c[i] * kc + d[i] * kd;
      }
    }
    for (; t < taps; t++) {
      int k = weights[k0 + t];
      int[] a = src[from + t];
      for (int i = 0; i < len; i++) {
        acc[i] += a[i] * k;
      }
    }
  }

  /** Vertical pass over whole rows, fused with the last step: tensor values through the tables, or uint8. */
  private static void vertical(int[][][] rows, int y0, Taps vt, int crop, float[][] tables, boolean hwc, Scratch s,
      byte[] bytesOut) {
    int[] first = vt.first();
    int[] count = vt.count();
    int[] start = vt.start();
    int[] weights = vt.weights();
    int plane = crop * crop;
    float[] tensor = tables == null ? null : s.tensor(3 * plane);
    int[] acc = s.accRow(crop);
    for (int c = 0; c < 3; c++) {
      float[] table = tables == null ? null : tables[c];
      int[][] rc = rows[c];
      for (int yy = 0; yy < crop; yy++) {
        java.util.Arrays.fill(acc, 0, crop, HALF);
        accumulate(acc, crop, rc, first[yy] - y0, weights, start[yy], count[yy]);
        if (tensor != null) {
          if (hwc) {
            int o = yy * crop * 3 + c;
            for (int i = 0; i < crop; i++) {
              tensor[o + 3 * i] = table[Math.min(acc[i] >> PRECISION_BITS, 255)];
            }
          } else {
            int o = c * plane + yy * crop;
            for (int i = 0; i < crop; i++) {
              tensor[o + i] = table[Math.min(acc[i] >> PRECISION_BITS, 255)];
            }
          }
        } else {
          int o = yy * crop * 3 + c;
          for (int i = 0; i < crop; i++) {
            bytesOut[o + 3 * i] = (byte) Math.min(acc[i] >> PRECISION_BITS, 255);
          }
        }
      }
    }
  }
}
