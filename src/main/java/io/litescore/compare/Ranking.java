package io.litescore.compare;

import java.util.List;

/** Ranks of a column of the comparison: 1 is best. */
public final class Ranking {
  private Ranking() {}

  /**
   * Standard competition ranks ("1224"): equal values share the best rank of their group and the next value's rank
   * counts everything before it. Null and NaN values are not ranked (null rank) and do not count.
   *
   * @param higherIsBetter true for accuracy and speed, false for parameters and size
   */
  public static Integer[] ranks(List<? extends Number> values, boolean higherIsBetter) {
    Integer[] ranks = new Integer[values.size()];
    for (int i = 0; i < ranks.length; i++) {
      Double v = valueOf(values.get(i));
      if (v == null) {
        continue;
      }
      int better = 0;
      for (Number other : values) {
        Double o = valueOf(other);
        if (o != null && (higherIsBetter ? o > v : o < v)) {
          better++;
        }
      }
      ranks[i] = better + 1;
    }
    return ranks;
  }

  private static Double valueOf(Number n) {
    if (n == null || Double.isNaN(n.doubleValue())) {
      return null;
    }
    return n.doubleValue();
  }
}
