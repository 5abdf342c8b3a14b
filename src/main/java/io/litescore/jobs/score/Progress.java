package io.litescore.jobs.score;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/** Prints "images done / total, img/s, ETA" every interval on the driver until closed. */
final class Progress implements AutoCloseable {
  private final Thread thread;
  private volatile boolean running = true;

  Progress(String what, long total, LongSupplier done, long intervalMillis, PrintStream out) {
    long start = System.nanoTime();
    thread = new Thread(() -> {
      while (running) {
        try {
          Thread.sleep(intervalMillis);
        } catch (InterruptedException e) {
          return;
        }
        if (running) {
          out.println(line(what, Math.min(total, done.getAsLong()), total, (System.nanoTime() - start) / 1e9));
        }
      }
    }, "litescore-progress");
    thread.setDaemon(true);
    thread.start();
  }

  static String line(String what, long done, long total, double seconds) {
    double rate = seconds > 0 ? done / seconds : 0;
    String eta = rate > 0 && total > done ? duration((total - done) / rate) : "-";
    return String.format(Locale.ROOT, "[%s] %d/%d images (%.0f%%), %.1f img/s, ETA %s", what, done, total,
        total == 0 ? 100.0 : 100.0 * done / total, rate, eta);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
