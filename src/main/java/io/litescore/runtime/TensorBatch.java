package io.litescore.runtime;

/** {@code n} preprocessed images, float32 NCHW, in the first {@code n * c * h * w} entries of {@code data}. */
public record TensorBatch(float[] data, int n, int c, int h, int w) {
  public TensorBatch {
    if ((long) n * c * h * w > data.length) {
      throw new IllegalArgumentException("Cannot make batch: " + n + "x" + c + "x" + h + "x" + w
          + " does not fit " + data.length + " floats");
    }
  }
}
