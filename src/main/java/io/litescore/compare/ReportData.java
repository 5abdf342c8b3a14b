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
 * @param labelled whether any compared model scored a labelled image (accuracy, per-class accuracy, confusion
 *     matrices and misclassified images need labels; the sections after them do not)
 * @param agreement one cell per pair of models (indices into {@code models}, the lower first)
 * @param confidence one histogram per model, in the order of {@code models}
 * @param disagreements the images the models disagree on most, most first
 * @param drift one entry per model that two runs scored, run after run
 */
public record ReportData(String title, String generatedAt, Map<String, String> tool, List<Run> runs,
    List<Map<String, Object>> models, List<String> classes, int classesShown, int classesTotal,
    List<ClassCell> classAccuracy, List<Confusion> confusion, List<Misclassified> misclassified, boolean labelled,
    List<AgreementCell> agreement, List<Confidence> confidence, List<Disagreed> disagreements, List<Drift> drift) {

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

  /** Top-1 agreement of two models on the images both scored; nulls without common images. */
  public record AgreementCell(int a, int b, long common, long agreed, Double top1, Double kappa,
      Double top5Overlap) {}

  /**
   * A model's top-1 probabilities, counted in equal bins over [0, 1].
   *
   * @param median approximate (Spark's percentile_approx)
   */
  public record Confidence(String key, long[] counts, long scored, Double mean, Double median) {}

  /**
   * An image the models disagree on, with every model's top-k on it.
   *
   * @param label its label when a run had one, else null
   * @param fileChanged whether the runs listed the file with other sizes or modification times (the thumbnail
   *     shows it as it is now)
   * @param models models that scored it (the voters)
   * @param distinct distinct top-1 classes among them
   */
  public record Disagreed(String path, String name, String label, String thumbnail, String thumbnailError,
      boolean fileChanged, int models, int distinct, String majorityLabel, int majorityVotes, double meanConfidence,
      List<Prediction> predictions) {}

  /**
   * One model in two runs: predictions changed on their common images and the predicted-class shift.
   *
   * @param classes the classes with the largest share change first, at most the report's class limit
   * @param classesTotal classes predicted in either run
   */
  public record Drift(String model, String fromKey, String toKey, String fromRun, String toRun,
      boolean sameWeights, boolean sameDataset, long imagesFrom, long imagesTo, long common, long changed,
      Double changedShare, Double totalVariation, List<DriftClass> classes, int classesTotal) {}

  /** A class's images and share in each run, and on common images those that left it and came to it. */
  public record DriftClass(String label, long from, long to, double shareFrom, double shareTo, long movedOut,
      long movedIn) {}
}
