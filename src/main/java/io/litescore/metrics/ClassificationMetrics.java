package io.litescore.metrics;

import java.util.List;

/**
 * Accuracy figures from counts. Spark aggregates the counts; the ratios and their edge cases live here.
 * A ratio with an empty denominator is {@code null}, never 0 or NaN.
 */
public final class ClassificationMetrics {
  private ClassificationMetrics() {}

  /** Counts of one class: images labelled with it, images predicted as it, and images where both hold. */
  public record ClassCounts(String label, long support, long predicted, long truePositives) {}

  /** Per-class figures: top-1 accuracy within the class equals its recall. */
  public record ClassMetrics(String label, long support, Double top1, Double precision, Double recall) {}

  public static Double ratio(long numerator, long denominator) {
    return denominator == 0 ? null : (double) numerator / denominator;
  }

  public static ClassMetrics of(ClassCounts c) {
    Double recall = ratio(c.truePositives(), c.support());
    return new ClassMetrics(c.label(), c.support(), recall, ratio(c.truePositives(), c.predicted()), recall);
  }

  /** Mean of the per-class top-1 over classes that have at least one labelled image; null when none has. */
  public static Double meanClassAccuracy(List<ClassMetrics> classes) {
    double sum = 0;
    int n = 0;
    for (ClassMetrics c : classes) {
      if (c.top1() != null) {
        sum += c.top1();
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }
}
