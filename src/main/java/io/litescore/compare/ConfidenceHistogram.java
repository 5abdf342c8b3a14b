package io.litescore.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model's top-1 probabilities counted in {@code bins} equal bins over [0, 1]: bin {@code i} holds
 * {@code i / bins <= p < (i + 1) / bins}, the last bin also holds {@code p = 1}. The job computes the bin of each
 * prediction as {@code floor(p * bins)} (p as a double) clamped to the last bin, the same as {@link #bin}.
 */
public final class ConfidenceHistogram {
  /** The number of bins the compare job uses. */
  public static final int BINS = 20;

  private final long[] counts;

  private ConfidenceHistogram(long[] counts) {
    this.counts = counts;
  }

  /** An empty histogram of {@code bins} bins. */
  public static ConfidenceHistogram empty(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("Cannot make a histogram of " + bins + " bins");
    }
    return new ConfidenceHistogram(new long[bins]);
  }

  /** The histogram of these probabilities (values outside [0, 1] and NaN are not counted). */
  public static ConfidenceHistogram of(int bins, double... probabilities) {
    ConfidenceHistogram h = empty(bins);
    for (double p : probabilities) {
      if (p >= 0 && p <= 1) {
        h.add(bin(p, bins), 1);
      }
    }
    return h;
  }

  /** The bin of probability {@code p}; p outside [0, 1] is clamped to the first or last bin. */
  public static int bin(double p, int bins) {
    if (!(p > 0)) {
      return 0;
    }
    return (int) Math.min(bins - 1, Math.floor(p * bins));
  }

  /** Adds {@code n} predictions to bin {@code bin}. */
  public ConfidenceHistogram add(int bin, long n) {
    if (bin < 0 || bin >= counts.length || n < 0) {
      throw new IllegalArgumentException("Cannot add " + n + " to bin " + bin + " of " + counts.length);
    }
    counts[bin] += n;
    return this;
  }

  public int bins() {
    return counts.length;
  }

  /** A copy of the counts, bin by bin. */
  public long[] counts() {
    return counts.clone();
  }

  public long total() {
    return Arrays.stream(counts).sum();
  }

  /** The lower edge of bin {@code i}. */
  public double lower(int i) {
    return (double) i / counts.length;
  }

  /** The upper edge of bin {@code i}. */
  public double upper(int i) {
    return (double) (i + 1) / counts.length;
  }

  /** Each bin's share of the total; zeros when empty. */
  public List<Double> shares() {
    long total = total();
    List<Double> out = new ArrayList<>();
    for (long c : counts) {
      out.add(total == 0 ? 0.0 : (double) c / total);
    }
    return out;
  }
}
