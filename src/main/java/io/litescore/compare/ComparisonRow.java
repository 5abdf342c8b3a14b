package io.litescore.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One row of {@code comparison/} and {@code comparison.csv}: a (run, model) with its metrics, its rank in each
 * compared column (1 = best, null when the value is unknown), whether it is on the accuracy / speed Pareto front,
 * and the mean and median of its top-1 probabilities (known with or without labels; not ranked: a surer model is
 * not a better one).
 */
public record ComparisonRow(ModelScore score, boolean paretoFront, Integer rankTop1, Integer rankTop5,
    Integer rankMeanClassAccuracy, Integer rankImagesPerSecond, Integer rankParams, Integer rankModelBytes,
    Double meanConfidence, Double medianConfidence) {

  /** Column names, in the order of {@link #values()}. */
  public static final List<String> COLUMNS = List.of("run_id", "model", "dataset", "images", "scored", "failed",
      "top1", "top5", "mean_class_accuracy", "images_per_second", "wall_seconds", "params", "model_bytes",
      "model_sha256", "batch_size", "threads", "device", "pareto_front", "rank_top1", "rank_top5",
      "rank_mean_class_accuracy", "rank_images_per_second", "rank_params", "rank_model_bytes", "mean_confidence",
      "median_confidence");

  public ComparisonRow(ModelScore score, boolean paretoFront, Integer rankTop1, Integer rankTop5,
      Integer rankMeanClassAccuracy, Integer rankImagesPerSecond, Integer rankParams, Integer rankModelBytes) {
    this(score, paretoFront, rankTop1, rankTop5, rankMeanClassAccuracy, rankImagesPerSecond, rankParams,
        rankModelBytes, null, null);
  }

  /** This row with the mean and median top-1 probability of the model's predictions. */
  public ComparisonRow withConfidence(Double mean, Double median) {
    return new ComparisonRow(score, paretoFront, rankTop1, rankTop5, rankMeanClassAccuracy, rankImagesPerSecond,
        rankParams, rankModelBytes, mean, median);
  }

  /** The row's values, in the order of {@link #COLUMNS}; nulls where unknown. */
  public List<Object> values() {
    ModelScore s = score;
    return new ArrayList<>(Arrays.asList(s.runId(), s.model(), s.dataset(), s.images(), s.scored(), s.failed(),
        s.top1(), s.top5(), s.meanClassAccuracy(), s.imagesPerSecond(), s.wallSeconds(), s.params(),
        s.modelBytes(), s.modelSha256(), s.batchSize(), s.threads(), s.device(), paretoFront, rankTop1, rankTop5,
        rankMeanClassAccuracy, rankImagesPerSecond, rankParams, rankModelBytes, meanConfidence, medianConfidence));
  }
}
