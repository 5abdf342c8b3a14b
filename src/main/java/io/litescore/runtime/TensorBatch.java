package io.litescore.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code n} preprocessed images, float32, at the start of a direct, native-order buffer: NCHW, or channels-last
 * (NHWC: each pixel's C values side by side) when {@code channelsLast}; either way the model sees an
 * {@code [n, c, h, w]} tensor. libtorch wraps a direct buffer without copying it on the Java side (DJL copies any
 * other buffer into a fresh direct one first), so the pixels are written once by preprocessing and read once by the
 * model. The buffer must not change until the batch's inference has returned.
 */
public record TensorBatch(ByteBuffer data, int n, int c, int h, int w, boolean channelsLast) {
  public TensorBatch {
    if (!data.isDirect()) {
      throw new IllegalArgumentException("Cannot make batch: the buffer must be direct");
    }
    if ((long) n * c * h * w * Float.BYTES > data.capacity()) {
      throw new IllegalArgumentException("Cannot make batch: " + n + "x" + c + "x" + h + "x" + w
          + " does not fit " + data.capacity() / Float.BYTES + " floats");
    }
  }

  /** An NCHW batch. */
  public TensorBatch(ByteBuffer data, int n, int c, int h, int w) {
    this(data, n, c, h, w, false);
  }

  /** An NCHW batch copied from a float array (tests, dry runs, benchmarks). */
  public TensorBatch(float[] values, int n, int c, int h, int w) {
    this(values, n, c, h, w, false);
  }

  /** A batch copied from a float array, in the given layout. */
  public TensorBatch(float[] values, int n, int c, int h, int w, boolean channelsLast) {
    this(copy(values), n, c, h, w, channelsLast);
  }

  /** A direct, native-order buffer for {@code floats} values. */
  public static ByteBuffer allocate(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
  }

  /** Exactly the batch's bytes, as a direct native-order buffer sharing this batch's memory. */
  ByteBuffer slice() {
    return data.duplicate().position(0).limit(n * c * h * w * Float.BYTES).slice().order(ByteOrder.nativeOrder());
  }

  private static ByteBuffer copy(float[] values) {
    ByteBuffer b = allocate(values.length);
    b.asFloatBuffer().put(values);
    return b;
  }
}
