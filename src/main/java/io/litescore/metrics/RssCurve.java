package io.litescore.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Resident memory sampled against images scored: after a warm-up (the first fraction of the images: libtorch's
 * allocator pools, JIT, the heap sizing itself), memory that leaks per image shows as a slope.
 */
public final class RssCurve {
  private RssCurve() {}

  /** One sample: wall seconds since the start, images done, process RSS and JVM heap in use. */
  public record Sample(double seconds, long imagesDone, long rssMib, long heapUsedMib) {}

  /**
   * @param warmRssMib RSS at the first sample after warm-up
   * @param minRssMib lowest RSS after warm-up
   * @param maxRssMib highest RSS after warm-up
   * @param lastRssMib RSS at the last sample
   * @param driftPercent (last - warm) / warm, in percent
   * @param spreadPercent (max - min) / min after warm-up, in percent
   * @param mibPer10kImages least-squares slope of RSS over images done after warm-up
   */
  public record Summary(int samples, long images, long warmRssMib, long minRssMib, long maxRssMib, long lastRssMib,
      double driftPercent, double spreadPercent, double mibPer10kImages) {
    public String describe() {
      return String.format(Locale.ROOT, "RSS after warm-up over %d images (%d samples): start %d MiB, min %d, max %d, "
          + "end %d; drift %+.1f%%, spread %.1f%%, slope %+.2f MiB per 10k images", images, samples, warmRssMib,
          minRssMib, maxRssMib, lastRssMib, driftPercent, spreadPercent, mibPer10kImages);
    }
  }

  /** Summarises the samples taken once {@code warmupFraction} of {@code images} were done. */
  public static Summary summarise(List<Sample> samples, long images, double warmupFraction) {
    List<Sample> warm = samples.stream().filter(s -> s.imagesDone() >= warmupFraction * images).toList();
    if (warm.isEmpty()) {
      throw new IllegalArgumentException("Cannot summarise RSS: no sample after " + (warmupFraction * 100)
          + "% of " + images + " images (sample more often)");
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    double mx = 0;
    double my = 0;
    for (Sample s : warm) {
      min = Math.min(min, s.rssMib());
      max = Math.max(max, s.rssMib());
      mx += s.imagesDone();
      my += s.rssMib();
    }
    mx /= warm.size();
    my /= warm.size();
    double sxy = 0;
    double sxx = 0;
    for (Sample s : warm) {
      sxy += (s.imagesDone() - mx) * (s.rssMib() - my);
      sxx += (s.imagesDone() - mx) * (s.imagesDone() - mx);
    }
    double slope = sxx == 0 ? 0 : sxy / sxx * 10_000;
    long first = warm.get(0).rssMib();
    long last = warm.get(warm.size() - 1).rssMib();
    return new Summary(warm.size(), images, first, min, max, last, 100.0 * (last - first) / first,
        100.0 * (max - min) / min, slope);
  }
}
