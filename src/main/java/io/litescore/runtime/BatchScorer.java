package io.litescore.runtime;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs batches through one model: one {@link Predictor} for the lifetime of this object (a Spark partition).
 * Close it when the partition is done.
 *
 * <p>The input layout a model wants is a property of the loaded model ({@link #LAYOUT}): a TorchScript model on
 * the CPU takes its batches channels-last ({@link #channelsLast()}), 1.9-2.6x faster in libtorch 2.7 than NCHW for
 * the bench's networks. A model whose code cannot take a channels-last view (a {@code view()} of its input, say)
 * fails on its first such batch: that batch is run again as plain NCHW, and the model is marked so that later
 * scorers ask for NCHW.
 */
public final class BatchScorer implements AutoCloseable {
  /** The {@link Model} property that holds the input layout: absent means NCHW. */
  static final String LAYOUT = "litescore.input-layout";

  /** Channels-last wanted, not yet run. */
  static final String CHANNELS_LAST = "channels-last";

  /** Channels-last wanted, and it ran. */
  static final String CHANNELS_LAST_OK = "channels-last-ok";

  /** Channels-last was tried and failed: NCHW. */
  static final String CONTIGUOUS = "contiguous";

  private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);

  private final Model model;
  private final LogitsTranslator translator = new LogitsTranslator();
  private final Predictor<TensorBatch, float[][]> predictor;
  /** libtorch keeps autograd on per thread: turned off before each of its batches. */
  private final boolean libtorch;

  public BatchScorer(Model model) {
    this.model = model;
    this.predictor = model.newPredictor(translator);
    this.libtorch = "PyTorch".equals(model.getNDManager().getEngine().getEngineName());
  }

  /** Whether this model wants its batches channels-last ({@link TensorBatch#channelsLast()}). */
  public boolean channelsLast() {
    String layout = model.getProperty(LAYOUT);
    return CHANNELS_LAST.equals(layout) || CHANNELS_LAST_OK.equals(layout);
  }

  /** Logits {@code [n][classes]} for the batch. Call from the thread that owns this scorer. */
  public float[][] logits(TensorBatch batch) {
    if (libtorch) {
      TorchRuntime.noGrad();
    }
    if (!batch.channelsLast() || translator.contiguous) {
      return predict(batch);
    }
    String layout = model.getProperty(LAYOUT);
    if (CONTIGUOUS.equals(layout)) {
      translator.contiguous = true;
      return predict(batch);
    }
    if (CHANNELS_LAST_OK.equals(layout)) {
      return predict(batch);
    }
    float[][] out;
    try {
      out = predictor.predict(batch);
    } catch (TranslateException e) {
      translator.contiguous = true;
      out = predict(batch);
      model.setProperty(LAYOUT, CONTIGUOUS);
      LOG.info("Model '{}' does not take a channels-last input ({}): its batches go in as NCHW", model.getName(),
          firstLine(e));
      return out;
    }
    model.setProperty(LAYOUT, CHANNELS_LAST_OK);
    return out;
  }

  private float[][] predict(TensorBatch batch) {
    try {
      return predictor.predict(batch);
    } catch (TranslateException e) {
      throw new IllegalStateException("inference failed: " + e.getMessage(), e);
    }
  }

  private static String firstLine(Throwable e) {
    Throwable c = e.getCause() != null ? e.getCause() : e;
    String m = String.valueOf(c.getMessage());
    String[] lines = m.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  @Override
  public void close() {
    predictor.close();
  }
}
