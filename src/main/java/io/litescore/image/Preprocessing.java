package io.litescore.image;

import java.io.Serializable;
import java.util.Arrays;

/**
 * torchvision's ImageNet evaluation transform, exactly: {@code Resize(resize)} (short side, PIL bilinear),
 * {@code CenterCrop(crop)}, {@code ToTensor()}, {@code Normalize(mean, std)}. The result is a float32 CHW tensor.
 *
 * @param resize target length of the short side
 * @param crop side of the square centre crop, at most {@code resize}
 * @param mean per-channel mean (R, G, B), applied after scaling to [0, 1]
 * @param std per-channel standard deviation (R, G, B)
 */
public record Preprocessing(int resize, int crop, float[] mean, float[] std) implements Serializable {
  /** ImageNet statistics used by every torchvision classification weight. */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  public static Preprocessing imagenet(int resize, int crop) {
    return new Preprocessing(resize, crop, IMAGENET_MEAN, IMAGENET_STD);
  }

  public Preprocessing {
    if (resize <= 0 || crop <= 0 || crop > resize) {
      throw new IllegalArgumentException(
          "Cannot preprocess: need 0 < crop <= resize, got resize=" + resize + " crop=" + crop);
    }
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("Cannot preprocess: mean and std need 3 values (R, G, B)");
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** Number of floats in one output tensor. */
  public int tensorSize() {
    return 3 * crop * crop;
  }

  /** Width and height after {@code Resize}: short side to {@code resize}, long side truncated (torchvision 0.14). */
  public static int[] resizedSize(int width, int height, int size) {
    if (width <= height) {
      return new int[] {size, (int) ((double) ((long) size * height) / width)};
    }
    return new int[] {(int) ((double) ((long) size * width) / height), size};
  }

  /** Top-left corner of the centre crop: Python's round-half-to-even, as torchvision does. */
  public static int[] cropOrigin(int width, int height, int crop) {
    int top = (int) Math.rint((height - crop) / 2.0);
    int left = (int) Math.rint((width - crop) / 2.0);
    return new int[] {top, left};
  }

  /** The uint8 RGB crop the network sees, before {@code ToTensor}. */
  public RgbImage resizeAndCrop(RgbImage image) {
    int[] size = resizedSize(image.width(), image.height(), resize);
    int[] origin = cropOrigin(size[0], size[1], crop);
    byte[] out = new byte[crop * crop * 3];
    CropResize.run(image, size[0], size[1], origin[0], origin[1], crop, null, false, null, 0, out);
    return new RgbImage(crop, crop, out);
  }

  /** Preprocesses into a new CHW float array. */
  public float[] apply(RgbImage image) {
    float[] out = new float[tensorSize()];
    apply(image, out, 0);
    return out;
  }

  /** Preprocesses into {@code out[offset, offset + tensorSize())}, CHW order, float32 divisions as PyTorch does. */
  public void apply(RgbImage image, float[] out, int offset) {
    apply(image, java.nio.FloatBuffer.wrap(out), offset);
  }

  /**
   * Preprocesses into {@code out} starting at float index {@code offset}, CHW order: the same values as
   * {@link #apply(RgbImage, float[], int)}, written straight into a (direct) buffer the model reads. Only what the
   * centre crop keeps is resampled, and the normalised floats are written by the last resampling pass
   * ({@link CropResize}); the values are torchvision's, bit for bit.
   */
  public void apply(RgbImage image, java.nio.FloatBuffer out, int offset) {
    apply(image, out, offset, false);
  }

  /**
   * As {@link #apply(RgbImage, java.nio.FloatBuffer, int)}, with {@code channelsLast}: the same values in HWC order
   * ({@code [y][x][R, G, B]}), the memory layout libtorch's CPU convolutions run fastest on.
   */
  public void apply(RgbImage image, java.nio.FloatBuffer out, int offset, boolean channelsLast) {
    if (offset < 0 || offset + tensorSize() > out.limit()) {
      throw new IndexOutOfBoundsException("Cannot preprocess into floats [" + offset + ", " + (offset + tensorSize())
          + ") of a buffer of " + out.limit());
    }
    int[] size = resizedSize(image.width(), image.height(), resize);
    int[] origin = cropOrigin(size[0], size[1], crop);
    CropResize.run(image, size[0], size[1], origin[0], origin[1], crop, tables(), channelsLast, out, offset, null);
  }

  /**
   * Copies one {@code crop x crop} tensor from {@code from} at {@code fromOffset} to {@code to} at {@code toOffset},
   * reordered: CHW to channels-last (HWC) when {@code toChannelsLast}, else HWC to CHW. The values are unchanged.
   */
  public static void relayout(java.nio.FloatBuffer from, int fromOffset, java.nio.FloatBuffer to, int toOffset,
      int crop, boolean toChannelsLast) {
    int plane = crop * crop;
    for (int c = 0; c < 3; c++) {
      if (toChannelsLast) {
        for (int i = 0; i < plane; i++) {
          to.put(toOffset + i * 3 + c, from.get(fromOffset + c * plane + i));
        }
      } else {
        for (int i = 0; i < plane; i++) {
          to.put(toOffset + c * plane + i, from.get(fromOffset + i * 3 + c));
        }
      }
    }
  }

  /** Per channel, {@code ((v / 255f) - mean) / std} for v = 0..255 (ToTensor then Normalize, in float32). */
  float[][] tables() {
    return new float[][] {CropResize.table(mean[0], std[0]), CropResize.table(mean[1], std[1]),
        CropResize.table(mean[2], std[2])};
  }

  /**
   * The straightforward reference the fused path is tested against: Pillow's resize of the whole image, the crop,
   * then ToTensor and Normalize element by element.
   */
  float[] applyReference(RgbImage image) {
    int[] size = resizedSize(image.width(), image.height(), resize);
    RgbImage resized = PilBilinear.resize(image, size[0], size[1]);
    int[] origin = cropOrigin(resized.width(), resized.height(), crop);
    int stride = resized.width() * 3;
    float[] out = new float[tensorSize()];
    int plane = crop * crop;
    for (int y = 0; y < crop; y++) {
      for (int x = 0; x < crop; x++) {
        int p = (origin[0] + y) * stride + (origin[1] + x) * 3;
        for (int c = 0; c < 3; c++) {
          float v = (resized.pixels()[p + c] & 0xff) / 255f;
          out[c * plane + y * crop + x] = (v - mean[c]) / std[c];
        }
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Preprocessing p
        && p.resize == resize
        && p.crop == crop
        && Arrays.equals(p.mean, mean)
        && Arrays.equals(p.std, std);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * resize + crop) + 17 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "resize=" + resize + " crop=" + crop + " mean=" + Arrays.toString(mean) + " std=" + Arrays.toString(std);
  }
}
