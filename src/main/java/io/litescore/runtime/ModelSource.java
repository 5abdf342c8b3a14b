package io.litescore.runtime;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import io.litescore.zoo.Safetensors;
import io.litescore.zoo.Stem;
import io.litescore.zoo.Variant;
import io.litescore.zoo.ZooNet;
import io.litescore.zoo.onnx.OnnxExport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * How an executor turns a model's bytes into a DJL {@link Model}: what it needs besides the bytes, and the key of
 * the per-JVM cache. One variant per engine form; the driver decides the form once ({@code io.litescore.model}).
 */
public sealed interface ModelSource extends Serializable {
  /** The model's name, for logs and errors. */
  String name();

  /** Cache key: the same bytes built another way is another model. */
  String cacheKey(String sha256);

  /**
   * Loads the model; call once per JVM through {@link ModelCache}.
   *
   * @param threads intra-op threads for engines that take them per model (ONNX Runtime); libtorch's are per JVM,
   *     set by the first model that starts it
   */
  Model materialise(byte[] bytes, DeviceChoice device, int threads);

  /**
   * A TorchScript file ({@code torch.jit.script(m).save(...)} or {@code torch.jit.trace}). On the CPU it takes its
   * batches channels-last (see {@link BatchScorer}).
   */
  record TorchScript(String name) implements ModelSource {
    @Override
    public String cacheKey(String sha256) {
      return "ts:" + sha256;
    }

    @Override
    public Model materialise(byte[] bytes, DeviceChoice device, int threads) {
      TorchRuntime.start(threads, device.gpu());
      Model model = load(Model.newInstance(name, device(device), "PyTorch"), bytes, null,
          "a TorchScript file libtorch");
      if (!device.gpu()) {
        model.setProperty(BatchScorer.LAYOUT, BatchScorer.CHANNELS_LAST);
      }
      return model;
    }
  }

  /**
   * A zoo architecture with torchvision-named {@code .safetensors} weights, built with BatchNorm folded into the
   * convolutions.
   *
   * @param classes number of outputs
   * @param stem {@link Stem} name
   * @param inputSize side of the input the network is initialised for
   */
  record Zoo(String name, String arch, int classes, String stem, int inputSize, boolean onnxRuntime)
      implements ModelSource {
    /** Whether this model runs on ONNX Runtime on {@code device}: its natives are CPU-only. */
    boolean graph(DeviceChoice device) {
      return onnxRuntime && !device.gpu();
    }

    @Override
    public String cacheKey(String sha256) {
      return "zoo:" + arch + ":" + classes + ":" + stem + ":" + inputSize + ":" + (onnxRuntime ? "onnx:" : "")
          + sha256;
    }

    @Override
    public Model materialise(byte[] bytes, DeviceChoice device, int threads) {
      if (graph(device)) {
        // one ONNX graph with BatchNorm folded, run by ONNX Runtime: graph speed instead of op by op over JNI
        byte[] graph;
        try {
          graph = OnnxExport.export(Variant.named(arch), classes, Stem.valueOf(stem), inputSize,
              Safetensors.read(bytes).tensors());
        } catch (IOException | RuntimeException e) {
          throw new IllegalStateException("Cannot load weights of model '" + name + "' into " + arch + ": "
              + e.getMessage(), e);
        }
        return new Onnx(name).materialise(graph, device, threads);
      }
      TorchRuntime.start(threads, device.gpu());
      ZooNet net = ZooNet.build(Variant.named(arch), classes, inputSize, Stem.valueOf(stem), true, device(device));
      try {
        net.load(Safetensors.read(bytes).tensors());
      } catch (IOException | RuntimeException e) {
        net.close();
        throw new IllegalStateException("Cannot load weights of model '" + name + "' into " + arch + ": "
            + e.getMessage(), e);
      }
      return net.model();
    }
  }

  /**
   * An ONNX file, run by ONNX Runtime through DJL's engine (natives from the {@code onnxruntime} jar, nothing
   * downloaded): {@code threads} intra-op threads per session, one inter-op thread, and no spinning threads, so a
   * session never takes CPU from the other tasks of its executor while it waits.
   */
  record Onnx(String name) implements ModelSource {
    @Override
    public String cacheKey(String sha256) {
      return "onnx:" + sha256;
    }

    @Override
    public Model materialise(byte[] bytes, DeviceChoice device, int threads) {
      TorchRuntime.onnxRuntime(device.gpu());
      // the engine's first NDManager asks whether CUDA works and warns when not: quiet unless a GPU was asked for
      Model model = Quiet.unless(device.gpu(), "ai.djl.onnxruntime.engine.OrtEngine",
          () -> Model.newInstance(name, device(device), "OnnxRuntime"));
      return load(model, bytes, java.util.Map.of(
          "intraOpNumThreads", Integer.toString(Math.max(1, threads)),
          "interOpNumThreads", "1",
          "executionMode", "SEQUENTIAL",
          "optLevel", "ALL_OPT"), "an ONNX model ONNX Runtime");
    }
  }

  /** Loads {@code bytes} into {@code model} (closed when it cannot); {@code what} names what it must be. */
  private static Model load(Model model, byte[] bytes, java.util.Map<String, ?> options, String what) {
    try {
      model.load(new ByteArrayInputStream(bytes), options);
      return model;
    } catch (IOException e) {
      model.close();
      throw new UncheckedIOException("Cannot load model '" + model.getName() + "': " + e.getMessage(), e);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalStateException("Cannot load model '" + model.getName() + "': not " + what + " can read ("
          + e.getMessage() + ")", e);
    }
  }

  private static Device device(DeviceChoice device) {
    return device.gpu() ? Device.gpu(device.index()) : Device.cpu();
  }
}
