package io.litescore.runtime;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import io.litescore.zoo.Safetensors;
import io.litescore.zoo.Stem;
import io.litescore.zoo.Variant;
import io.litescore.zoo.ZooNet;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * How to turn a model's bytes into a DJL {@link Model}: a TorchScript file, or a zoo architecture with
 * torchvision-named {@code .safetensors} weights (built with BatchNorm folded into the convolutions).
 *
 * @param arch zoo architecture, null for TorchScript
 * @param classes number of outputs of a zoo model
 * @param stem zoo stem ({@link Stem} name)
 * @param inputSize side of the input the zoo model is initialised for
 */
public record ModelSource(String name, String arch, int classes, String stem, int inputSize)
    implements Serializable {

  public static ModelSource torchScript(String name) {
    return new ModelSource(name, null, 0, null, 0);
  }

  public boolean isZoo() {
    return arch != null;
  }

  /** Cache key: the same bytes built another way is another model. */
  public String cacheKey(String sha256) {
    return isZoo() ? "zoo:" + arch + ":" + classes + ":" + stem + ":" + inputSize + ":" + sha256 : "ts:" + sha256;
  }

  /** Loads the model; call once per JVM through {@link ModelCache}. */
  public Model materialise(byte[] bytes, DeviceChoice device) {
    Device dev = device.gpu() ? Device.gpu(device.index()) : Device.cpu();
    if (isZoo()) {
      ZooNet net = ZooNet.build(Variant.named(arch), classes, inputSize, Stem.valueOf(stem), true, dev);
      try {
        net.load(Safetensors.read(bytes).tensors());
      } catch (IOException | RuntimeException e) {
        net.close();
        throw new IllegalStateException("Cannot load weights of model '" + name + "' into " + arch + ": "
            + e.getMessage(), e);
      }
      return net.model();
    }
    Model model = Model.newInstance(name, dev, "PyTorch");
    try {
      model.load(new ByteArrayInputStream(bytes));
      return model;
    } catch (IOException e) {
      model.close();
      throw new UncheckedIOException("Cannot load model '" + name + "': " + e.getMessage(), e);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalStateException("Cannot load model '" + name + "': not a TorchScript file libtorch can read ("
          + e.getMessage() + ")", e);
    }
  }
}
