package io.litescore.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Counts of (true class, predicted class) for one model: rows are true classes, columns predicted classes, both in
 * the model's output order (the class index). Only classes that occur as a label or a prediction are present.
 */
public final class ConfusionMatrix {
  private final List<String> classes;
  private final long[][] counts;

  private ConfusionMatrix(List<String> classes, long[][] counts) {
    this.classes = List.copyOf(classes);
    this.counts = counts;
  }

  /** Accumulates counts; the same cell may be added more than once (the counts add up). */
  public static final class Builder {
    /** Class names as predictions give them (the model's), and as labels do (the dataset's, maybe mapped). */
    private final Map<Integer, String> predicted = new TreeMap<>();
    private final Map<Integer, String> labelled = new TreeMap<>();
    private final Map<Long, Long> cells = new TreeMap<>();

    /**
     * Adds {@code n} images of class {@code trueIndex} ({@code trueLabel}) predicted as {@code predIndex}.
     *
     * A class is named as the model's predictions name it; a class never predicted keeps its dataset label (which
     * a {@code dataset.label-map} may have mapped to it, e.g. a WordNet id).
     *
     * @throws IllegalArgumentException when an index was seen with another name on the same side, or {@code n} is
     *     negative
     */
    public Builder add(int trueIndex, String trueLabel, int predIndex, String predLabel, long n) {
      if (n < 0) {
        throw new IllegalArgumentException("Cannot count " + n + " images of " + trueLabel + " as " + predLabel);
      }
      name(labelled, trueIndex, trueLabel);
      name(predicted, predIndex, predLabel);
      cells.merge(((long) trueIndex << 32) | (predIndex & 0xffffffffL), n, Long::sum);
      return this;
    }

    private static void name(Map<Integer, String> names, int index, String label) {
      if (index < 0) {
        throw new IllegalArgumentException("Cannot count class " + label + ": negative index " + index);
      }
      String previous = names.putIfAbsent(index, Objects.requireNonNull(label, "label"));
      if (previous != null && !previous.equals(label)) {
        throw new IllegalArgumentException("Cannot count: class index " + index + " is both '" + previous
            + "' and '" + label + "' (runs of one model with different labels?)");
      }
    }

    public ConfusionMatrix build() {
      Map<Integer, String> names = new TreeMap<>(labelled);
      names.putAll(predicted);
      List<Integer> indices = new ArrayList<>(names.keySet());
      Map<Integer, Integer> position = new TreeMap<>();
      for (int i = 0; i < indices.size(); i++) {
        position.put(indices.get(i), i);
      }
      long[][] m = new long[indices.size()][indices.size()];
      cells.forEach((key, n) -> {
        int t = position.get((int) (key >> 32));
        int p = position.get((int) (long) key);
        m[t][p] += n;
      });
      return new ConfusionMatrix(new ArrayList<>(names.values()), m);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Class names in output order; row {@code i} and column {@code i} are {@code classes().get(i)}. */
  public List<String> classes() {
    return classes;
  }

  public long count(int trueClass, int predicted) {
    return counts[trueClass][predicted];
  }

  /** A copy of the counts, {@code [true][predicted]}. */
  public long[][] counts() {
    long[][] copy = new long[counts.length][];
    for (int i = 0; i < counts.length; i++) {
      copy[i] = counts[i].clone();
    }
    return copy;
  }

  /** Images whose label is class {@code trueClass} (its support). */
  public long rowTotal(int trueClass) {
    return Arrays.stream(counts[trueClass]).sum();
  }

  public long total() {
    return IntStream.range(0, counts.length).mapToLong(this::rowTotal).sum();
  }

  public long correct() {
    return IntStream.range(0, counts.length).mapToLong(i -> counts[i][i]).sum();
  }

  /** Top-1 accuracy over every counted image; null when there is none. */
  public Double accuracy() {
    long total = total();
    return total == 0 ? null : (double) correct() / total;
  }

  /** Misclassified images involving class {@code i}: its row and its column, diagonal excluded. */
  public long errorsInvolving(int i) {
    long n = 0;
    for (int j = 0; j < counts.length; j++) {
      if (j != i) {
        n += counts[i][j] + counts[j][i];
      }
    }
    return n;
  }

  /**
   * The matrix restricted to the {@code maxClasses} classes involved in the most errors (ties: lower index first),
   * kept in output order; this matrix itself when it has no more classes than that. Counts with a class left out
   * are dropped, so the restricted rows no longer add up to the supports.
   */
  public ConfusionMatrix restrictTo(int maxClasses) {
    if (classes.size() <= maxClasses) {
      return this;
    }
    int[] keep = IntStream.range(0, classes.size()).boxed()
        .sorted(Comparator.comparingLong((Integer i) -> -errorsInvolving(i)).thenComparingInt(i -> i))
        .limit(maxClasses).mapToInt(Integer::intValue).sorted().toArray();
    List<String> names = new ArrayList<>();
    long[][] m = new long[keep.length][keep.length];
    for (int a = 0; a < keep.length; a++) {
      names.add(classes.get(keep[a]));
      for (int b = 0; b < keep.length; b++) {
        m[a][b] = counts[keep[a]][keep[b]];
      }
    }
    return new ConfusionMatrix(names, m);
  }
}
