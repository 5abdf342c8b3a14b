package io.litescore.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * How one model's predictions moved from one run to another: the predicted-class distribution of each run (over
 * every image the run scored), the shift between them, and, on the images both runs scored, how many top-1
 * predictions changed and between which classes.
 *
 * @param imagesFrom images the earlier run scored
 * @param imagesTo images the later run scored
 * @param common agreement of the two runs on their common images, the earlier run first
 * @param classes one row per class predicted in either run, the largest shift first
 */
public record PredictionDrift(long imagesFrom, long imagesTo, PairAgreement common, List<ClassShift> classes) {

  /**
   * One class: images predicted as it in each run, their shares, and on the common images those that moved away
   * from it (predicted as it before, as another class after) and those that moved to it.
   */
  public record ClassShift(String label, long from, long to, double shareFrom, double shareTo, long movedOut,
      long movedIn) {
    public double shareDelta() {
      return shareTo - shareFrom;
    }
  }

  /**
   * @param from predicted classes of the earlier run over its scored images, counted
   * @param to the same for the later run
   * @param common their agreement on the images both scored, the earlier run first
   */
  public static PredictionDrift of(Map<String, Long> from, Map<String, Long> to, PairAgreement common) {
    long nFrom = from.values().stream().mapToLong(Long::longValue).sum();
    long nTo = to.values().stream().mapToLong(Long::longValue).sum();
    TreeSet<String> labels = new TreeSet<>(from.keySet());
    labels.addAll(to.keySet());
    labels.addAll(common.firstCounts().keySet());
    labels.addAll(common.secondCounts().keySet());
    List<ClassShift> rows = new ArrayList<>();
    for (String label : labels) {
      long f = from.getOrDefault(label, 0L);
      long t = to.getOrDefault(label, 0L);
      long agreed = common.agreedCounts().getOrDefault(label, 0L);
      rows.add(new ClassShift(label, f, t, nFrom == 0 ? 0 : (double) f / nFrom, nTo == 0 ? 0 : (double) t / nTo,
          common.firstCounts().getOrDefault(label, 0L) - agreed,
          common.secondCounts().getOrDefault(label, 0L) - agreed));
    }
    // the largest shift first, compared exactly: |t/nTo - f/nFrom| ordered as |t * nFrom - f * nTo|
    rows.sort(Comparator.comparingLong((ClassShift r) -> -Math.abs(r.to() * Math.max(1, nFrom)
        - r.from() * Math.max(1, nTo))).thenComparing(ClassShift::label));
    return new PredictionDrift(nFrom, nTo, common, List.copyOf(rows));
  }

  /**
   * The total variation distance between the two predicted-class distributions: half the sum of the absolute
   * share differences, 0 (same distribution) to 1 (no class in common); null when a run scored nothing.
   */
  public Double totalVariation() {
    if (imagesFrom == 0 || imagesTo == 0) {
      return null;
    }
    double sum = 0;
    for (ClassShift c : classes) {
      sum += Math.abs(c.shareDelta());
    }
    return sum / 2;
  }

  /** Common images whose top-1 class changed over common images; null without common images. */
  public Double changedShare() {
    return common.common() == 0 ? null : (double) common.changed() / common.common();
  }
}
