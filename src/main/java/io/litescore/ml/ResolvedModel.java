package io.litescore.ml;

import ai.djl.Model;
import io.litescore.config.ModelEntry;
import io.litescore.config.ModelSpec;
import io.litescore.image.Preprocessing;
import io.litescore.model.LoadedModel;
import io.litescore.model.ModelLoader;
import io.litescore.runtime.BatchScorer;
import io.litescore.runtime.ModelCache;
import io.litescore.runtime.ModelSource;
import io.litescore.runtime.ParameterCount;
import io.litescore.runtime.TensorBatch;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A model ready for the executors: read once on the driver ({@link ModelLoader}), checked with one dry inference,
 * its bytes broadcast ({@link ModelBytes}; a local master's tasks share the driver's JVM and copy). Executors
 * materialise it once per JVM from them ({@link ModelCache}).
 *
 * @param topK classes listed per prediction
 * @param logits whether predictions carry the whole output vector
 * @param params parameters of the network as loaded (null when it does not list them)
 */
public record ResolvedModel(ModelSpec spec, ModelSource source, Preprocessing preprocessing, String sha256,
    long sizeBytes, ModelBytes bytes, List<String> labels, Map<String, Integer> labelIndex, int topK,
    boolean logits, Long params) implements Serializable {

  /**
   * Reads, checks and broadcasts the model. The dry run loads it into this JVM's cache (with a local master, the
   * executors' cache too), so a broken file, a labels file of the wrong length or an input size the network does
   * not take fails here, before any image is read.
   */
  public static ResolvedModel resolve(ModelSpec spec, int topK, boolean logits, int threads, Configuration conf,
      JavaSparkContext jsc) {
    LoadedModel m = ModelLoader.load(spec, conf);
    Long params = dryRun(m, threads);
    return new ResolvedModel(spec, m.source(), m.preprocessing(), m.sha256(), m.sizeBytes(),
        ModelBytes.of(jsc, m.sha256(), m.bytes()),
        m.labels(), m.labelIndex(), topK, logits, params);
  }

  public String name() {
    return spec.name();
  }

  /** The class name of output {@code index} (the index itself where the labels are fewer). */
  String label(int index) {
    return index < labels.size() ? labels.get(index) : Integer.toString(index);
  }

  /** The model from this JVM's cache, loaded from the broadcast on first use. */
  ModelCache.Entry materialise(int threads, io.litescore.runtime.DeviceChoice device) {
    return ModelCache.get(source, sha256, () -> bytes.value(), threads, device);
  }

  private static Long dryRun(LoadedModel m, int threads) {
    ModelSpec spec = m.spec();
    ModelCache.Entry e;
    try {
      e = ModelCache.get(m.source(), m.sha256(), m::bytes, threads);
    } catch (RuntimeException ex) {
      ModelEntry entry = spec.entry();
      String expected = entry instanceof ModelEntry.TorchScript ? "a TorchScript model libtorch can load"
          : entry instanceof ModelEntry.Onnx ? "an ONNX model ONNX Runtime can load"
          : "weights that fit the architecture";
      throw spec.keys().error(entry.field(), entry.location(), expected + " (" + ex.getMessage() + ")");
    }
    Model model = e.model();
    int crop = m.preprocessing().crop();
    float[][] out;
    try (BatchScorer scorer = new BatchScorer(model)) {
      out = scorer.logits(new TensorBatch(new float[3 * crop * crop], 1, 3, crop, crop, scorer.channelsLast()));
    } catch (RuntimeException ex) {
      throw spec.keys().error("preprocessing.crop", crop, "an input size model " + spec.name() + " accepts (a 1x3x"
          + crop + "x" + crop + " input failed: " + ex.getMessage() + ")");
    }
    if (out[0].length != m.labels().size()) {
      throw spec.keys().error("labels", spec.labels(), "as many class names as model " + spec.name()
          + " has outputs (" + out[0].length + "), found " + m.labels().size());
    }
    return m.params() != null ? m.params() : ParameterCount.of(model);
  }
}
