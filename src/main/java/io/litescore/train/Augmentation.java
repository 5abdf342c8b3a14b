package io.litescore.train;

import java.util.Random;

/**
 * Training-time augmentation and normalisation on uint8 RGB crops (HWC): a random crop from the image padded with
 * zeros by {@code pad} pixels on each side, and a random horizontal flip; output is a normalised CHW float tensor.
 * Pure arithmetic, no framework types. With {@code pad = 0} and no flip it equals the eval transform's last step.
 */
public final class Augmentation {
  private Augmentation() {}

  /**
   * Writes one augmented image into {@code out[offset, offset + 3*size*size)}.
   *
   * @param dy vertical shift in {@code [-pad, pad]}
   * @param dx horizontal shift in {@code [-pad, pad]}
   */
  public static void apply(byte[] hwc, int size, int dy, int dx, boolean flip, float[] mean, float[] std,
      float[] out, int offset) {
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      int sy = y + dy;
      for (int x = 0; x < size; x++) {
        int sx0 = x + dx;
        int sx = flip ? size - 1 - sx0 : sx0;
        boolean inside = sy >= 0 && sy < size && sx0 >= 0 && sx0 < size;
        int p = (sy * size + sx) * 3;
        for (int c = 0; c < 3; c++) {
          float v = inside ? (hwc[p + c] & 0xff) / 255f : 0f;
          out[offset + c * plane + y * size + x] = (v - mean[c]) / std[c];
        }
      }
    }
  }

  /** Random shift and flip for one image. */
  public static void randomApply(byte[] hwc, int size, int pad, Random rnd, float[] mean, float[] std, float[] out,
      int offset) {
    int dy = pad == 0 ? 0 : rnd.nextInt(2 * pad + 1) - pad;
    int dx = pad == 0 ? 0 : rnd.nextInt(2 * pad + 1) - pad;
    apply(hwc, size, dy, dx, rnd.nextBoolean(), mean, std, out, offset);
  }
}
