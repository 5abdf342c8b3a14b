package io.litescore.runtime;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;

/**
 * Runs batches through one model: one {@link Predictor} for the lifetime of this object (a Spark partition).
 * Close it when the partition is done.
 */
public final class BatchScorer implements AutoCloseable {
  private final Predictor<TensorBatch, float[][]> predictor;

  public BatchScorer(Model model) {
    this.predictor = model.newPredictor(new LogitsTranslator());
  }

  /** Logits {@code [n][classes]} for the batch. Call from the thread that owns this scorer. */
  public float[][] logits(TensorBatch batch) {
    TorchRuntime.noGrad();
    try {
      return predictor.predict(batch);
    } catch (TranslateException e) {
      throw new IllegalStateException("inference failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    predictor.close();
  }
}
