package io.litescore.zoo;

import java.util.Arrays;

/** A float32 tensor in C order, as a state dict holds it. */
public record Tensor(long[] shape, float[] data) {
  public Tensor {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException("Cannot make tensor: shape " + Arrays.toString(shape) + " holds " + n
          + " values, got " + data.length);
    }
  }

  public long size() {
    return data.length;
  }
}
