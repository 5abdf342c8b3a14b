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
 */
final class LogitsTranslator implements Translator<TensorBatch, float[][]> {
  @Override
  public NDList processInput(TranslatorContext ctx, TensorBatch b) {
    NDArray x = ctx.getNDManager().create(b.slice(), new Shape(b.n(), b.c(), b.h(), b.w()), DataType.FLOAT32);
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
