package io.litescore.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import io.litescore.testing.Resources;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The input layout a TorchScript model gets on the CPU: channels-last, and NCHW for a model that cannot take it. */
class BatchScorerTest {
  private static final int N = 3;
  private static final int S = 5;

  /** {@code N} images of {@code S x S}, NCHW, and the same values channels-last (NHWC). */
  private static float[][] images() {
    Random r = new Random(3);
    float[] nchw = new float[N * 3 * S * S];
    float[] nhwc = new float[nchw.length];
    for (int n = 0; n < N; n++) {
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < S * S; i++) {
          float v = c + n + r.nextFloat(); // channel c of image n averages c + n + 0.5
          nchw[(n * 3 + c) * S * S + i] = v;
          nhwc[(n * S * S + i) * 3 + c] = v;
        }
      }
    }
    return new float[][] {nchw, nhwc};
  }

  private static Model load(String resource) {
    TorchRuntime.start(1);
    return new ModelSource.TorchScript(resource).materialise(Resources.bytes(resource), DeviceChoice.CPU, 1);
  }

  @Test
  void torchScriptOnTheCpuTakesChannelsLastAndGivesTheNchwLogits() {
    float[][] x = images();
    try (Model model = load("models/channel_mean.pt"); BatchScorer s = new BatchScorer(model)) {
      assertThat(s.channelsLast()).isTrue();
      float[][] plain = s.logits(new TensorBatch(x[0], N, 3, S, S));
      float[][] last = s.logits(new TensorBatch(x[1], N, 3, S, S, true));
      for (int n = 0; n < N; n++) {
        for (int c = 0; c < 3; c++) {
          assertThat(last[n][c]).isCloseTo(plain[n][c], within(1e-6f));
          assertThat(plain[n][c]).isCloseTo(c + n + 0.5f, within(0.3f));
        }
      }
      assertThat(model.getProperty(BatchScorer.LAYOUT)).isEqualTo(BatchScorer.CHANNELS_LAST_OK);
    }
  }

  @Test
  void aModelThatNeedsAContiguousInputFallsBackToNchw() {
    float[][] x = images();
    try (Model model = load("models/flatten_mean.pt")) {
      float[][] plain;
      try (BatchScorer s = new BatchScorer(model)) {
        assertThat(s.channelsLast()).isTrue();
        plain = s.logits(new TensorBatch(x[0], N, 3, S, S));
        // x.view(n, -1) of a channels-last view fails in libtorch: the batch runs again, copied to NCHW
        float[][] last = s.logits(new TensorBatch(x[1], N, 3, S, S, true));
        assertThat(last).isDeepEqualTo(plain);
        assertThat(s.logits(new TensorBatch(x[1], N, 3, S, S, true))).isDeepEqualTo(plain);
      }
      assertThat(model.getProperty(BatchScorer.LAYOUT)).isEqualTo(BatchScorer.CONTIGUOUS);
      try (BatchScorer later = new BatchScorer(model)) {
        assertThat(later.channelsLast()).isFalse();
        assertThat(later.logits(new TensorBatch(x[1], N, 3, S, S, true))).isDeepEqualTo(plain);
      }
      for (int n = 0; n < N; n++) {
        for (int c = 0; c < 3; c++) {
          assertThat(plain[n][c]).isCloseTo(c + n + 0.5f, within(0.3f));
        }
      }
    }
  }
}
