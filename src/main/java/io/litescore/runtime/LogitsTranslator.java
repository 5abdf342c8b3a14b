package io.litescore.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * Wraps an already preprocessed batch into one NDArray and turns the model's {@code [N, classes]} output back into
 * plain arrays. No image work happens here: preprocessing is done in {@code io.litescore.image}.
 *
 * <p>A channels-last batch becomes an {@code [N, C, H, W]} view of the NHWC memory (a permutation, no copy): the
 * layout libtorch's CPU convolutions (oneDNN) take without reordering. With {@link #contiguous} set, for a model
 * that cannot take such a view, it is copied to plain NCHW first.
 */
final class LogitsTranslator implements Translator<TensorBatch, float[][]> {
  /** Copy channels-last batches to contiguous NCHW before the model sees them. */
  boolean contiguous;

  @Override
  public NDList processInput(TranslatorContext ctx, TensorBatch b) {
    if (!b.channelsLast()) {
      return new NDList(ctx.getNDManager().create(b.slice(), new Shape(b.n(), b.c(), b.h(), b.w()),
          DataType.FLOAT32));
    }
    NDArray nhwc = ctx.getNDManager().create(b.slice(), new Shape(b.n(), b.h(), b.w(), b.c()), DataType.FLOAT32);
    NDArray x = nhwc.transpose(0, 3, 1, 2);
    if (contiguous) {
      // reshape of a permuted view copies it into a new tensor in its logical (NCHW) order
      x = x.reshape(b.n(), -1).reshape(b.n(), b.c(), b.h(), b.w());
    }
    return new NDList(x);
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList list) {
    NDArray y = list.get(0);
    Shape s = y.getShape();
    if (s.dimension() != 2) {
      throw new IllegalStateException("model output has shape " + s + ", expected [batch, classes]");
    }
    int n = (int) s.get(0);
    int classes = (int) s.get(1);
    float[] flat = y.toFloatArray();
    float[][] out = new float[n][classes];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * classes, out[i], 0, classes);
    }
    return out;
  }

  @Override
  public Batchifier getBatchifier() {
    return null;
  }
}
