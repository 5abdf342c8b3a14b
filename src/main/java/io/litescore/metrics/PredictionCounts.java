package io.litescore.metrics;

import io.litescore.metrics.ClassificationMetrics.ClassCounts;
import io.litescore.metrics.ClassificationMetrics.ClassMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A model's accuracy from counts of its predictions, grouped by (true class, predicted class, top-5 hit, failed):
 * what Spark aggregates, a few rows per class. Counts add up, so batches of a stream can be summed.
 */
public final class PredictionCounts implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private long images;
  private long failed;
  private long labelled;
  private long correct1;
  private long correct5;
  /** [class] -> {support, predicted, correct} over labelled scored images. */
  private final TreeMap<Integer, long[]> classes = new TreeMap<>();

  /**
   * Adds {@code count} predictions.
   *
   * @param labelIndex the true class, null when unlabelled
   * @param predIndex the top-1 class, null when failed
   * @param top5 whether the true class is among the top 5 (null when unlabelled or failed)
   * @param error whether the rows are errors
   */
  public PredictionCounts add(Integer labelIndex, Integer predIndex, Boolean top5, boolean error, long count) {
    images += count;
    if (error) {
      failed += count;
      return this;
    }
    if (labelIndex == null) {
      return this;
    }
    labelled += count;
    boolean hit = labelIndex.equals(predIndex);
    if (hit) {
      correct1 += count;
    }
    if (Boolean.TRUE.equals(top5)) {
      correct5 += count;
    }
    classes.computeIfAbsent(labelIndex, k -> new long[3])[0] += count;
    if (predIndex != null) {
      classes.computeIfAbsent(predIndex, k -> new long[3])[1] += count;
    }
    if (hit) {
      classes.get(labelIndex)[2] += count;
    }
    return this;
  }

  /** Adds another set of counts (another batch of the same model). */
  public PredictionCounts addAll(PredictionCounts other) {
    images += other.images;
    failed += other.failed;
    labelled += other.labelled;
    correct1 += other.correct1;
    correct5 += other.correct5;
    other.classes.forEach((k, v) -> {
      long[] c = classes.computeIfAbsent(k, x -> new long[3]);
      for (int i = 0; i < 3; i++) {
        c[i] += v[i];
      }
    });
    return this;
  }

  /**
   * The counts as flat numbers, for storing a batch's counts: {@code images, failed, labelled, correct top-1,
   * correct top-5}, then per class index below {@code classes}: support, predicted, correct.
   */
  public long[] totals() {
    return new long[] {images, failed, labelled, correct1, correct5};
  }

  /** Per class index below {@code classes}: {@code [support, predicted, correct][class]}. */
  public long[][] perClass(int classes) {
    long[][] out = new long[3][classes];
    this.classes.forEach((i, c) -> {
      if (i < classes) {
        for (int k = 0; k < 3; k++) {
          out[k][i] = c[k];
        }
      }
    });
    return out;
  }

  /** Counts stored with {@link #totals()} and {@link #perClass(int)}. */
  public static PredictionCounts of(long[] totals, long[] support, long[] predicted, long[] correct) {
    PredictionCounts c = new PredictionCounts();
    c.images = totals[0];
    c.failed = totals[1];
    c.labelled = totals[2];
    c.correct1 = totals[3];
    c.correct5 = totals[4];
    for (int i = 0; i < support.length; i++) {
      if (support[i] != 0 || predicted[i] != 0 || correct[i] != 0) {
        c.classes.put(i, new long[] {support[i], predicted[i], correct[i]});
      }
    }
    return c;
  }

  /** The figures; a class is named by {@code classNames} (its index where the list is shorter). */
  public Summary summary(List<String> classNames) {
    List<ClassMetrics> perClass = new ArrayList<>();
    TreeMap<String, long[]> byName = new TreeMap<>();
    classes.forEach((i, c) -> byName.put(i < classNames.size() ? classNames.get(i) : Integer.toString(i), c));
    byName.forEach((name, c) -> perClass.add(ClassificationMetrics.of(new ClassCounts(name, c[0], c[1], c[2]))));
    return new Summary(images, images - failed, failed, ClassificationMetrics.ratio(correct1, labelled),
        ClassificationMetrics.ratio(correct5, labelled), ClassificationMetrics.meanClassAccuracy(perClass),
        List.copyOf(perClass));
  }

  /** A model's figures: images, scored (with a prediction), failed, top-1 / top-5 over labelled scored images. */
  public record Summary(long images, long scored, long failed, Double top1, Double top5, Double meanClassAccuracy,
      List<ClassMetrics> classes) {}
}
