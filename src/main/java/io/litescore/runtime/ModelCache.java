package io.litescore.runtime;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One materialised model per JVM, keyed by the sha256 of its bytes: every task of an executor shares it, whatever
 * the partition. Models stay loaded until the JVM exits (a shutdown hook closes them).
 */
public final class ModelCache {
  private static final ConcurrentHashMap<String, Model> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "litescore-model-cache-close"));
  }

  private ModelCache() {}

  /** The result of {@link #get}: the model, and whether this call loaded it. */
  public record Entry(Model model, boolean loadedNow) {}

  /**
   * The model with this sha256, loading it from {@code bytes} (read only when absent) on first use in this JVM.
   *
   * @param threads libtorch intra-op threads, applied if this is the first model of the JVM
   */
  public static Entry get(String name, String sha256, Supplier<byte[]> bytes, int threads) {
    Model cached = MODELS.get(sha256);
    if (cached != null) {
      return new Entry(cached, false);
    }
    synchronized (MODELS) {
      cached = MODELS.get(sha256);
      if (cached != null) {
        return new Entry(cached, false);
      }
      TorchRuntime.start(threads);
      long rssBefore = ProcessMemory.rssBytes();
      Model model = Model.newInstance(name, Device.cpu(), "PyTorch");
      try {
        model.load(new ByteArrayInputStream(bytes.get()));
      } catch (IOException e) {
        model.close();
        throw new UncheckedIOException("Cannot load model '" + name + "': " + e.getMessage(), e);
      } catch (MalformedModelException | RuntimeException e) {
        model.close();
        throw new IllegalStateException("Cannot load model '" + name + "': not a TorchScript file libtorch "
            + "can read (" + e.getMessage() + ")", e);
      }
      MODELS.put(sha256, model);
      LOADS.incrementAndGet();
      long rss = ProcessMemory.rssBytes();
      LOG.info("Loaded model '{}' (sha256 {}) into this JVM: {} model(s) held, process RSS {} MiB ({} MiB before "
          + "this model)", name, sha256.substring(0, Math.min(12, sha256.length())), MODELS.size(), rss >> 20,
          rssBefore >> 20);
      return new Entry(model, true);
    }
  }

  /** How many times a model was materialised in this JVM since it started. */
  public static int loads() {
    return LOADS.get();
  }

  /** Number of distinct models held now. */
  public static int size() {
    return MODELS.size();
  }

  static void closeAll() {
    synchronized (MODELS) {
      MODELS.values().forEach(Model::close);
      MODELS.clear();
    }
  }
}
