package io.litescore.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.litescore.metrics.ClassificationMetrics.ClassCounts;
import io.litescore.metrics.ClassificationMetrics.ClassMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void topKOrdersByValueThenIndex() {
    float[] v = {0.1f, 3f, -2f, 3f, 2.5f, 7f};
    assertThat(TopK.indices(v, 3)).containsExactly(5, 1, 3);
    assertThat(TopK.indices(v, 10)).containsExactly(5, 1, 3, 4, 0, 2);
    assertThat(TopK.indices(new float[] {1f}, 5)).containsExactly(0);
    assertThat(TopK.contains(new int[] {5, 1, 3}, 2, 3)).isFalse();
    assertThat(TopK.contains(new int[] {5, 1, 3}, 3, 3)).isTrue();
  }

  @Test
  void softmaxIsStableAndSumsToOne() {
    float[] p = TopK.softmax(new float[] {1000f, 1000f, 0f});
    assertThat(p[0]).isCloseTo(0.5f, within(1e-6f));
    assertThat(p[2]).isCloseTo(0f, within(1e-6f));
    float[] q = TopK.softmax(new float[] {1f, 2f, 3f});
    assertThat(q[2]).isCloseTo((float) (Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3))), within(1e-7f));
  }

  @Test
  void classMetricsFromCounts() {
    ClassMetrics cat = ClassificationMetrics.of(new ClassCounts("cat", 4, 5, 3));
    assertThat(cat.top1()).isEqualTo(0.75);
    assertThat(cat.recall()).isEqualTo(0.75);
    assertThat(cat.precision()).isEqualTo(0.6);
    ClassMetrics neverPredicted = ClassificationMetrics.of(new ClassCounts("dog", 2, 0, 0));
    assertThat(neverPredicted.precision()).isNull();
    assertThat(neverPredicted.top1()).isEqualTo(0.0);
    ClassMetrics noSupport = ClassificationMetrics.of(new ClassCounts("cow", 0, 1, 0));
    assertThat(noSupport.top1()).isNull();
    assertThat(ClassificationMetrics.meanClassAccuracy(List.of(cat, neverPredicted, noSupport)))
        .isEqualTo(0.375);
    assertThat(ClassificationMetrics.meanClassAccuracy(List.of(noSupport))).isNull();
  }
}
