package io.litescore.metrics;

/**
 * Splits the wall time of one scoring pass that fed several models among them: each model is charged its own
 * inference time plus a share of the (shared) decoding time in proportion to the images it scored, both measured
 * as thread CPU time, and the charges are scaled so the models of one pass add up to its wall time. A model's
 * {@code images / share} is then its throughput within that run.
 */
public final class PassTime {
  private PassTime() {}

  /**
   * @param wallSeconds the pass's wall time
   * @param decodeNanos CPU time spent reading, decoding and preprocessing (all models)
   * @param images images each model was given
   * @param inferNanos CPU time in each model's inference
   */
  public static double[] split(double wallSeconds, long decodeNanos, long[] images, long[] inferNanos) {
    int k = images.length;
    if (inferNanos.length != k) {
      throw new IllegalArgumentException("Cannot split pass time: " + k + " image counts but " + inferNanos.length
          + " inference times");
    }
    long totalImages = 0;
    for (long n : images) {
      totalImages += n;
    }
    double[] charge = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      double decodeShare = totalImages > 0 ? (double) decodeNanos * images[i] / totalImages : (double) decodeNanos / k;
      charge[i] = decodeShare + inferNanos[i];
      sum += charge[i];
    }
    double[] out = new double[k];
    for (int i = 0; i < k; i++) {
      out[i] = sum > 0 ? wallSeconds * charge[i] / sum : wallSeconds / k;
    }
    return out;
  }
}
