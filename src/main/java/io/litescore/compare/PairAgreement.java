package io.litescore.compare;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How often two models (two (run, model) pairs) give the same top-1 class on the images both scored: built from
 * per-class counts over those common images, where a class is a predicted label (two models agree when they name
 * the same class, whatever index it has in their label files).
 *
 * <ul>
 *   <li>{@link #top1Agreement()}: the share of common images on which both top-1 classes are equal;
 *   <li>{@link #cohenKappa()}: that agreement corrected for chance, {@code (p_o - p_e) / (1 - p_e)} with {@code p_e}
 *       the agreement two independent models with these predicted-class distributions would reach;
 *   <li>{@link #top5Overlap()}: the mean share of shared classes in their top-5 lists.
 * </ul>
 */
public final class PairAgreement {
  private final Map<String, Long> first;
  private final Map<String, Long> second;
  private final Map<String, Long> agreed;
  private final long common;
  private final long agreedTotal;
  private final double overlapSum;

  private PairAgreement(Map<String, Long> first, Map<String, Long> second, Map<String, Long> agreed,
      double overlapSum) {
    this.first = Collections.unmodifiableMap(first);
    this.second = Collections.unmodifiableMap(second);
    this.agreed = Collections.unmodifiableMap(agreed);
    this.common = first.values().stream().mapToLong(Long::longValue).sum();
    this.agreedTotal = agreed.values().stream().mapToLong(Long::longValue).sum();
    this.overlapSum = overlapSum;
  }

  /** Counts over the images two models both scored; the same class may be added more than once (counts add up). */
  public static final class Builder {
    private final Map<String, Long> first = new TreeMap<>();
    private final Map<String, Long> second = new TreeMap<>();
    private final Map<String, Long> agreed = new TreeMap<>();
    private double overlapSum;

    /**
     * The first model predicted {@code cls} on {@code images} common images; on {@code agreed} of them the second
     * model predicted it too; {@code overlapSum} is the sum over those images of their top-5 overlap (0 to 1).
     */
    public Builder first(String cls, long images, long agreed, double overlapSum) {
      if (images < 0 || agreed < 0 || agreed > images || overlapSum < 0 || overlapSum > images) {
        throw new IllegalArgumentException("Cannot count agreement on class " + cls + ": " + agreed + " agreed of "
            + images + " images, top-5 overlap sum " + overlapSum);
      }
      this.first.merge(cls, images, Long::sum);
      this.agreed.merge(cls, agreed, Long::sum);
      this.overlapSum += overlapSum;
      return this;
    }

    /** The second model predicted {@code cls} on {@code images} common images. */
    public Builder second(String cls, long images) {
      if (images < 0) {
        throw new IllegalArgumentException("Cannot count " + images + " images of class " + cls);
      }
      second.merge(cls, images, Long::sum);
      return this;
    }

    /**
     * @throws IllegalArgumentException when the two sides do not count the same images, or a class is agreed on
     *     more often than the second model predicted it
     */
    public PairAgreement build() {
      long a = first.values().stream().mapToLong(Long::longValue).sum();
      long b = second.values().stream().mapToLong(Long::longValue).sum();
      if (a != b) {
        throw new IllegalArgumentException("Cannot compute agreement: the first model has " + a
            + " common images, the second " + b);
      }
      agreed.forEach((cls, n) -> {
        if (n > second.getOrDefault(cls, 0L)) {
          throw new IllegalArgumentException("Cannot compute agreement: class " + cls + " agreed on " + n
              + " images but predicted " + second.getOrDefault(cls, 0L) + " times by the second model");
        }
      });
      agreed.values().removeIf(n -> n == 0);
      return new PairAgreement(new TreeMap<>(first), new TreeMap<>(second), new TreeMap<>(agreed), overlapSum);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Images both models scored. */
  public long common() {
    return common;
  }

  /** Common images with the same top-1 class. */
  public long agreed() {
    return agreedTotal;
  }

  /** Common images with different top-1 classes. */
  public long changed() {
    return common - agreedTotal;
  }

  /** {@code agreed / common}; null without common images. */
  public Double top1Agreement() {
    return common == 0 ? null : (double) agreedTotal / common;
  }

  /** Mean top-5 overlap over the common images; null without common images. */
  public Double top5Overlap() {
    return common == 0 ? null : overlapSum / common;
  }

  /**
   * Cohen's kappa; null without common images, and when chance agreement is already certain (both models always
   * predict one and the same class), where it is undefined.
   */
  public Double cohenKappa() {
    if (common == 0) {
      return null;
    }
    double n = common;
    double expected = 0;
    for (Map.Entry<String, Long> e : first.entrySet()) {
      expected += (e.getValue() / n) * (second.getOrDefault(e.getKey(), 0L) / n);
    }
    if (expected >= 1) {
      return null;
    }
    return (agreedTotal / n - expected) / (1 - expected);
  }

  /** The first model's predicted classes on the common images, counted. */
  public Map<String, Long> firstCounts() {
    return first;
  }

  /** The second model's predicted classes on the common images, counted. */
  public Map<String, Long> secondCounts() {
    return second;
  }

  /** Per class, the common images both models predicted as it. */
  public Map<String, Long> agreedCounts() {
    return agreed;
  }

  /** The same counts with the two models' roles exchanged. */
  public PairAgreement swapped() {
    return new PairAgreement(new TreeMap<>(second), new TreeMap<>(first), new TreeMap<>(agreed), overlapSum);
  }

  /**
   * The top-5 overlap of one image: classes in both lists (each list cut to its first 5) over the length of the
   * shorter cut list (a model with 3 classes lists 3); 0 when a list is empty.
   */
  public static double top5Overlap(java.util.List<?> first, java.util.List<?> second) {
    java.util.List<?> a = first.subList(0, Math.min(5, first.size()));
    java.util.List<?> b = second.subList(0, Math.min(5, second.size()));
    int shorter = Math.min(a.size(), b.size());
    if (shorter == 0) {
      return 0;
    }
    long shared = a.stream().distinct().filter(b::contains).count();
    return (double) Math.min(shared, shorter) / shorter;
  }
}
