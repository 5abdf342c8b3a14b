package io.litescore.runtime;

import ai.djl.Model;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One materialised model per JVM, keyed by what it is built from (the sha256 of its bytes, and for zoo models the
 * architecture): every task of an executor shares it, whatever the partition. Models stay loaded until the JVM
 * exits (a shutdown hook closes them).
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
   * The model for {@code source} and these bytes (read only when absent), loading it on first use in this JVM.
   *
   * @param threads intra-op threads (libtorch's: applied if this is the JVM's first libtorch model)
   */
  public static Entry get(ModelSource source, String sha256, Supplier<byte[]> bytes, int threads) {
    return get(source, sha256, bytes, threads, DeviceChoice.CPU);
  }

  /** As {@link #get(ModelSource, String, Supplier, int)}, on a device: one model per (model, device) and JVM. */
  public static Entry get(ModelSource source, String sha256, Supplier<byte[]> bytes, int threads,
      DeviceChoice device) {
    String key = source.cacheKey(sha256) + "@" + device;
    Model cached = MODELS.get(key);
    if (cached != null) {
      return new Entry(cached, false);
    }
    synchronized (MODELS) {
      cached = MODELS.get(key);
      if (cached != null) {
        return new Entry(cached, false);
      }
      long rssBefore = ProcessMemory.rssBytes();
      Model model = source.materialise(bytes.get(), device, threads);
      MODELS.put(key, model);
      LOADS.incrementAndGet();
      long rss = ProcessMemory.rssBytes();
      LOG.info("Loaded model '{}' (sha256 {}) into this JVM: {} model(s) held, process RSS {} MiB ({} MiB before "
          + "this model)", source.name(), sha256.substring(0, Math.min(12, sha256.length())), MODELS.size(), rss >> 20,
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
