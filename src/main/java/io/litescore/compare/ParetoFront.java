package io.litescore.compare;

import java.util.List;

/**
 * The Pareto front of models on two axes where more is better on both (accuracy and images per second): a model is
 * on the front when no other model is at least as good on both axes and better on one.
 */
public final class ParetoFront {
  private ParetoFront() {}

  /** For each point, whether it is on the front. Points with a null or NaN coordinate are never on it. */
  public static boolean[] maximising(List<Double> x, List<Double> y) {
    if (x.size() != y.size()) {
      throw new IllegalArgumentException("Cannot compute a Pareto front: " + x.size() + " x values but " + y.size()
          + " y values");
    }
    int n = x.size();
    boolean[] front = new boolean[n];
    for (int i = 0; i < n; i++) {
      if (!defined(x.get(i)) || !defined(y.get(i))) {
        continue;
      }
      boolean dominated = false;
      for (int j = 0; j < n && !dominated; j++) {
        if (j == i || !defined(x.get(j)) || !defined(y.get(j))) {
          continue;
        }
        double xi = x.get(i);
        double yi = y.get(i);
        double xj = x.get(j);
        double yj = y.get(j);
        dominated = xj >= xi && yj >= yi && (xj > xi || yj > yi);
      }
      front[i] = !dominated;
    }
    return front;
  }

  private static boolean defined(Double d) {
    return d != null && !Double.isNaN(d);
  }
}
