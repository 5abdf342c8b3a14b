package io.litescore.metrics;

/** Top-k classes of one logit vector, with softmax probabilities. Pure arithmetic, no framework types. */
public final class TopK {
  /** The k of top-5 accuracy. */
  public static final int TOP5 = 5;

  private TopK() {}

  /**
   * Indices of the {@code k} largest values, largest first; ties keep the lower index first (as
   * {@code torch.topk} on CPU does for distinct values and a stable sort would for equal ones).
   */
  public static int[] indices(float[] values, int k) {
    int n = Math.min(k, values.length);
    int[] top = new int[n];
    int filled = 0;
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (filled == n && !(v > values[top[n - 1]])) {
        continue;
      }
      int pos = filled < n ? filled++ : n - 1;
      while (pos > 0 && v > values[top[pos - 1]]) {
        top[pos] = top[pos - 1];
        pos--;
      }
      top[pos] = i;
    }
    return top;
  }

  /** Softmax of all values, computed stably in double and returned as float. */
  public static float[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double[] e = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      e[i] = Math.exp(logits[i] - max);
      sum += e[i];
    }
    float[] p = new float[logits.length];
    for (int i = 0; i < logits.length; i++) {
      p[i] = (float) (e[i] / sum);
    }
    return p;
  }

  /** Whether {@code label} is among the first {@code k} entries of {@code ranked}. */
  public static boolean contains(int[] ranked, int k, int label) {
    for (int i = 0; i < Math.min(k, ranked.length); i++) {
      if (ranked[i] == label) {
        return true;
      }
    }
    return false;
  }
}
