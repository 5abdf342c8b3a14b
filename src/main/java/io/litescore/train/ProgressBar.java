package io.litescore.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place on a terminal; without a terminal (CI logs), one plain line every 10 s.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final String label;
  private final long total;
  private final PrintStream out;
  private final boolean terminal = System.console() != null;
  private final long start = System.nanoTime();
  private long lastDraw;

  ProgressBar(String label, long total, PrintStream out) {
    this.label = label;
    this.total = total;
    this.out = out;
  }

  void update(long done, String stats) {
    long now = System.nanoTime();
    long every = terminal ? 250_000_000L : 10_000_000_000L;
    if (now - lastDraw < every && done < total) {
      return;
    }
    lastDraw = now;
    String line = line(done, stats, (now - start) / 1e9);
    if (terminal) {
      out.print("\r" + line);
      out.flush();
    } else if (done < total) {
      out.println(line);
    }
  }

  void done(String summary) {
    if (terminal) {
      out.print("\r" + " ".repeat(WIDTH + label.length() + 60) + "\r");
    }
    out.println("[" + label + "] " + summary);
  }

  String line(long done, String stats, double seconds) {
    int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
    return String.format(Locale.ROOT, "[%s] %s%s %d/%d %s %.0f img/s", label, "#".repeat(filled),
        ".".repeat(WIDTH - filled), done, total, stats, seconds > 0 ? done / seconds : 0);
  }
}
