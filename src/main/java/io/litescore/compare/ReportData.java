package io.litescore.compare;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code report.html} shows, serialised as JSON into the page, where {@code report.js} draws it.
 *
 * @param models one map per (run, model): the {@link ComparisonRow#COLUMNS} plus {@code key}, the name shown
 * @param classes the classes of the per-class heatmap, in output order
 * @param classesTotal how many classes there are; more than {@code classes.size()} when the heatmap is cut down
 */
public record ReportData(String title, String generatedAt, Map<String, String> tool, List<Run> runs,
    List<Map<String, Object>> models, List<String> classes, int classesShown, int classesTotal,
    List<ClassCell> classAccuracy, List<Confusion> confusion, List<Misclassified> misclassified) {

  /** A score run: what it read, its models, its recorded run info (null for older runs) and failures. */
  public record Run(String runId, String dataset, long images, String startedAt, List<RunModel> models,
      JsonObject info, Failures failures) {}

  /** A model of a run as the run details list it. */
  public record RunModel(String model, String source, String model_sha256) {}

  /** Images that could not be scored: counted per reason, the first ones listed. */
  public record Failures(long rows, long images, List<Reason> reasons, List<FailedImage> examples,
      boolean truncated) {}

  public record Reason(String reason, long images) {}

  public record FailedImage(String path, String reason) {}

  /** One cell of the per-class heatmap: indices into {@code models} and {@code classes}. */
  public record ClassCell(int modelIndex, int classIndex, Double accuracy, long support) {}

  /** A model's confusion matrix as drawn (possibly cut down to the classes with most errors). */
  public record Confusion(String key, List<String> classes, long[][] counts, Double accuracy, long total,
      int classesTotal) {}

  /** An image many models got wrong, with every model's top-k on it. */
  public record Misclassified(String path, String name, String label, String thumbnail, String thumbnailError,
      int wrong, int scored, List<Prediction> predictions) {}

  /** One model's answer for an image: its top-k, or why it has none. */
  public record Prediction(String key, String error, List<String> topLabels, List<Float> topProbs) {}
}
