package io.litescore.zoo;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A zoo architecture materialised as a DJL {@link Model}: its block, initialised for a given input size, and the
 * layers that know their torchvision names. Close it to free its native memory.
 */
public final class ZooNet implements AutoCloseable {
  private final Variant variant;
  private final Model model;
  private final List<WeightUnit> units;
  private final boolean folded;

  private ZooNet(Variant variant, Model model, List<WeightUnit> units, boolean folded) {
    this.variant = variant;
    this.model = model;
    this.units = units;
    this.folded = folded;
  }

  /**
   * Builds {@code variant} with {@code classes} outputs for {@code inputSize} x {@code inputSize} images, with
   * freshly initialised weights.
   *
   * @param folded true for inference: every BatchNorm is merged into the convolution before it at load time
   */
  public static ZooNet build(Variant variant, int classes, int inputSize, Stem stem, boolean folded) {
    return build(variant, classes, inputSize, stem, folded, Device.cpu());
  }

  /** As {@link #build(Variant, int, int, Stem, boolean)}, on the given device. */
  public static ZooNet build(Variant variant, int classes, int inputSize, Stem stem, boolean folded, Device device) {
    ZooNet net = create(variant, classes, stem, folded, device);
    net.block().initialize(net.model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, inputSize, inputSize));
    return net;
  }

  /**
   * Builds {@code variant} without initialising its parameters: a DJL {@code Trainer} initialises them. Weights
   * of convolutions and linear layers get He (Kaiming) normal initialisation, as torchvision uses.
   */
  public static ZooNet forTraining(Variant variant, int classes, Stem stem, boolean folded) {
    return create(variant, classes, stem, folded, Device.cpu());
  }

  private static ZooNet create(Variant variant, int classes, Stem stem, boolean folded, Device device) {
    NetBuilder b = new NetBuilder(folded);
    Block block = variant.build(b, classes, stem);
    block.setInitializer(heNormal(), Parameter.Type.WEIGHT);
    Model model = Model.newInstance(variant.name(), device, "PyTorch");
    model.setBlock(block);
    return new ZooNet(variant, model, List.copyOf(b.units()), folded);
  }

  /** Kaiming/He normal: N(0, 2 / fan_in). */
  public static Initializer heNormal() {
    return new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2);
  }

  public Variant variant() {
    return variant;
  }

  public Model model() {
    return model;
  }

  public Block block() {
    return model.getBlock();
  }

  public boolean folded() {
    return folded;
  }

  /** Loads weights named as in torchvision's {@code state_dict()}; every tensor the architecture needs must exist. */
  public void load(Map<String, Tensor> stateDict) {
    for (WeightUnit u : units) {
      u.load(stateDict);
    }
  }

  /** The weights under torchvision's names, BatchNorm statistics included (unfolded networks only). */
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (WeightUnit u : units) {
      u.export(out);
    }
    return out;
  }

  /** Trainable parameters, as {@code sum(p.numel() for p in model.parameters())} counts them. */
  public long parameterCount() {
    long n = 0;
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      if (p.getValue().requiresGradient()) {
        n += p.getValue().getArray().getShape().size();
      }
    }
    return n;
  }

  @Override
  public void close() {
    model.close();
  }
}
