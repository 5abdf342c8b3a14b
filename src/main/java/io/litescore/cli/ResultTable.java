package io.litescore.cli;

import io.litescore.jobs.score.ScoreJob;
import java.util.List;
import java.util.Locale;

/** The per-model metrics table printed at the end of a run. */
final class ResultTable {
  private ResultTable() {}

  /** One line per model; {@code timed}: with its share of the pass (a batch run), else accuracy only (a stream). */
  static String render(List<ScoreJob.ModelResult> models, boolean timed) {
    int w = Math.max(5, models.stream().mapToInt(m -> m.model().length()).max().orElse(5));
    String fmt = "%-" + w + "s  %7s  %7s  %6s  %7s  %7s  %9s  %8s  %7s%n";
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, fmt, "model", "images", "scored", "failed", "top1", "top5", "mean_cls",
        "img/s", "wall_s"));
    for (ScoreJob.ModelResult m : models) {
      s.append(String.format(Locale.ROOT, fmt, m.model(), m.images(), m.scored(), m.failed(), pct(m.top1()),
          pct(m.top5()), pct(m.meanClassAccuracy()),
          timed ? String.format(Locale.ROOT, "%.1f", m.imagesPerSecond()) : "-",
          timed ? String.format(Locale.ROOT, "%.1f", m.wallSeconds()) : "-"));
    }
    return s.toString();
  }

  private static String pct(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
  }
}
