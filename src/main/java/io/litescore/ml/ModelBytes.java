package io.litescore.ml;

import java.io.Serializable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A model's bytes as the tasks reach them: broadcast to the executors of a cluster, or, where the tasks run in the
 * driver's JVM (a local master), held in that JVM. A local run has no executor to send them to, and the
 * broadcast's copy, compression and blocks would only double the model in memory (43 ms of a fresh start for a 5.5
 * MB network, seconds for one of hundreds of MB). Tasks read them only where the model is not in their JVM's
 * {@code ModelCache} yet.
 */
public interface ModelBytes extends Serializable {
  /** The bytes (on an executor, fetched from the driver on first use). */
  byte[] value();

  /** Frees them: the broadcast's blocks on the executors, or this JVM's copy. */
  void release();

  /** The bytes of the model whose sha256 is {@code sha256}, reachable from every task of {@code jsc}'s jobs. */
  static ModelBytes of(JavaSparkContext jsc, String sha256, byte[] bytes) {
    if (jsc.sc().isLocal()) {
      InThisJvm.hold(sha256, bytes);
      return new InThisJvm(sha256);
    }
    return new Broadcasted(jsc.broadcast(bytes));
  }

  /** Broadcast: the executors fetch them once per JVM. */
  record Broadcasted(Broadcast<byte[]> broadcast) implements ModelBytes {
    @Override
    public byte[] value() {
      return broadcast.value();
    }

    @Override
    public void release() {
      broadcast.unpersist(false);
    }
  }

  /**
   * Held in the driver's JVM, where a local master's tasks run; named by their sha256, counted per holder (runs of
   * the same model side by side share one copy; the last to release it frees it).
   */
  record InThisJvm(String sha256) implements ModelBytes {
    private static final java.util.Map<String, Held> HELD = new java.util.HashMap<>();

    private record Held(byte[] bytes, int holders) {}

    static synchronized void hold(String sha256, byte[] bytes) {
      Held h = HELD.get(sha256);
      HELD.put(sha256, new Held(h != null ? h.bytes() : bytes, h != null ? h.holders() + 1 : 1));
    }

    /** Holders of the model's bytes in this JVM (0: none held). */
    static synchronized int holders(String sha256) {
      Held h = HELD.get(sha256);
      return h == null ? 0 : h.holders();
    }

    @Override
    public byte[] value() {
      Held h;
      synchronized (InThisJvm.class) {
        h = HELD.get(sha256);
      }
      if (h == null) {
        throw new IllegalStateException("Cannot load model " + sha256 + ": its bytes were released (the run that "
            + "read them has ended) and this JVM holds no copy");
      }
      return h.bytes();
    }

    @Override
    public void release() {
      synchronized (InThisJvm.class) {
        Held h = HELD.get(sha256);
        if (h != null) {
          if (h.holders() > 1) {
            HELD.put(sha256, new Held(h.bytes(), h.holders() - 1));
          } else {
            HELD.remove(sha256);
          }
        }
      }
    }
  }
}
