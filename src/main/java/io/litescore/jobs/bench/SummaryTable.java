package io.litescore.jobs.bench;

import java.util.List;
import java.util.Locale;

/** The bench's closing table: per model, stage costs, the ideal they imply, and what each way of running achieves. */
final class SummaryTable {
  private SummaryTable() {}

  static String render(List<BenchmarkJob.Summary> rows, int cores, Double pilDecodeMs, Double torchvisionMs) {
    int w = Math.max(5, rows.stream().mapToInt(r -> r.model().length()).max().orElse(5));
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Where the time goes, per image (CPU ms, one thread), and img/s on %d cores%n",
        cores));
    String fmt = "%-" + w + "s  %-24s %5s %6s %6s %6s %5s %6s | %7s %7s %7s %7s %7s | %9s %9s %9s%n";
    s.append(String.format(Locale.ROOT, fmt, "model", "engine", "read", "decode", "prep", "infer", "write", "sum",
        "ideal", "loop", "pass", "command", "pytorch", "pass/loop", "pass/ideal", "pass/torch"));
    for (BenchmarkJob.Summary r : rows) {
      BenchmarkJob.StageCosts c = r.costs();
      s.append(String.format(Locale.ROOT, fmt, r.model(), r.engine(), ms(c == null ? null : c.read()),
          ms(c == null ? null : c.decode()), ms(c == null ? null : c.preprocess()), ms(c == null ? null : c.infer()),
          ms(c == null ? null : c.write()), ms(c == null ? null : c.total()), ips(c == null ? null : r.ideal()),
          ips(r.loop()), ips(r.pass()), ips(r.command()), ips(r.pytorch()), ratio(r.pass(), r.loop()),
          ratio(r.pass(), c == null ? null : r.ideal()), ratio(r.pass(), r.pytorch())));
    }
    s.append("ideal = cores / (sum of the stages); loop = one JVM, no Spark, one worker per core (c); pass = the "
        + "scoring pass of a score run of the model alone in this JVM (e); command = jobs/litescore score in a JVM of "
        + "its own, start-up included (g); pytorch = torchvision DataLoader, 2 workers, TorchScript, 2 threads, "
        + "batch 16 (p)\n");
    if (pilDecodeMs != null && torchvisionMs != null) {
      BenchmarkJob.StageCosts first = rows.stream().map(BenchmarkJob.Summary::costs).filter(c -> c != null)
          .findFirst().orElse(null);
      if (first != null) {
        s.append(String.format(Locale.ROOT, "Decode %.2f ms/img vs PIL %.2f (%.2fx); preprocess %.2f vs torchvision "
            + "%.2f (%.2fx), same files, one thread%n", first.decode(), pilDecodeMs, first.decode() / pilDecodeMs,
            first.preprocess(), torchvisionMs, first.preprocess() / torchvisionMs));
      }
    }
    return s.toString();
  }

  private static String ms(Double v) {
    return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String ips(Double v) {
    return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String ratio(Double a, Double b) {
    return a == null || b == null || a.isNaN() || b.isNaN() || b == 0 ? "-" : String.format(Locale.ROOT, "%.2fx",
        a / b);
  }
}
