package io.litescore.image;

/**
 * An 8-bit RGB image, pixels interleaved row by row ({@code R,G,B,R,G,B,...}), as PIL's {@code convert("RGB")}
 * holds it: the first {@code width * height * 3} bytes of {@code pixels} (the array is longer when it is a reused
 * buffer, see {@link DecodeBuffers}).
 */
public record RgbImage(int width, int height, byte[] pixels) {
  public RgbImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("Cannot make image: size " + width + "x" + height + " is not positive");
    }
    if (pixels.length < (long) width * height * 3) {
      throw new IllegalArgumentException(
          "Cannot make image: " + pixels.length + " bytes for " + width + "x" + height + " RGB");
    }
  }
}
