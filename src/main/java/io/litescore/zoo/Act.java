package io.litescore.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;

/** Activations of the seed architectures, with PyTorch's definitions. */
public enum Act {
  NONE,
  RELU,
  RELU6,
  /** {@code x * relu6(x + 3) / 6} (MobileNetV3). */
  HARDSWISH,
  /** {@code relu6(x + 3) / 6} (MobileNetV3's squeeze-excitation gate). */
  HARDSIGMOID;

  Block block() {
    Layer layer = new Layer.Activation(this);
    return switch (this) {
      case NONE -> null;
      case RELU -> new NetBuilder.Op(layer, Activation::relu, "ReLU");
      case RELU6 -> new NetBuilder.Op(layer, l -> new NDList(l.singletonOrThrow().clip(0, 6)), "relu6");
      case HARDSWISH -> new NetBuilder.Op(layer, l -> new NDList(hardswish(l.singletonOrThrow())), "hardswish");
      case HARDSIGMOID -> new NetBuilder.Op(layer, l -> new NDList(hardsigmoid(l.singletonOrThrow())), "hardsigmoid");
    };
  }

  static NDArray hardsigmoid(NDArray x) {
    return x.add(3f).clip(0, 6).div(6f);
  }

  static NDArray hardswish(NDArray x) {
    return x.mul(x.add(3f).clip(0, 6)).div(6f);
  }
}
