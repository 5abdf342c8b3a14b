package io.litescore.image;

/**
 * The frame header of a JPEG file (its SOF marker): size and number of colour components, read without decoding.
 * {@link #complete} says whether the stream ends with an end-of-image marker, which a truncated file lacks.
 */
public record JpegHeader(int width, int height, int components, boolean complete) {

  /** The header, or null when the bytes are not a baseline/progressive JPEG with a readable frame header. */
  public static JpegHeader read(byte[] b) {
    if (b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
      return null;
    }
    int i = 2;
    while (i + 3 < b.length) {
      if ((b[i] & 0xff) != 0xFF) {
        return null;
      }
      int marker = b[i + 1] & 0xff;
      if (marker == 0xFF) {
        i++;
        continue;
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2;
        continue;
      }
      int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
      if (length < 2) {
        return null;
      }
      boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        if (i + 9 >= b.length) {
          return null;
        }
        int height = ((b[i + 5] & 0xff) << 8) | (b[i + 6] & 0xff);
        int width = ((b[i + 7] & 0xff) << 8) | (b[i + 8] & 0xff);
        int components = b[i + 9] & 0xff;
        return new JpegHeader(width, height, components, endsWithEoi(b));
      }
      i += 2 + length;
    }
    return null;
  }

  /** True when the last marker in the file, ignoring trailing zero or 0xFF padding, is end-of-image (FF D9). */
  static boolean endsWithEoi(byte[] b) {
    int end = b.length - 1;
    while (end > 0 && (b[end] == 0 || (b[end] & 0xff) == 0xFF)) {
      end--;
    }
    return end >= 1 && (b[end] & 0xff) == 0xD9 && (b[end - 1] & 0xff) == 0xFF;
  }

  /**
   * The largest libjpeg scale-down (8, 4 or 2; 1 = none) that keeps the short side at least {@code minShortSide}:
   * libjpeg scales by 1/f, rounding up.
   */
  public int reduction(int minShortSide) {
    int shortSide = Math.min(width, height);
    for (int f : new int[] {8, 4, 2}) {
      if ((shortSide + f - 1) / f >= minShortSide) {
        return f;
      }
    }
    return 1;
  }
}
