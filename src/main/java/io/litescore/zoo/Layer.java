package io.litescore.zoo;

import java.util.List;

/**
 * A zoo network's layer table: what each block of the built network computes, with its torchvision weight names,
 * read back by {@link Layers} from the very blocks the DJL model runs, so the description cannot drift from the
 * network. Dropout is left out: it does nothing at inference. Exporters (ONNX) walk this tree, not DJL's blocks.
 */
public sealed interface Layer {
  /**
   * {@code Conv2d(in, out, kernel, stride, padding, groups)} with weight {@code key.weight} and, when {@code bias},
   * {@code key.bias}; then, when {@code bnKey} is not null, {@code BatchNorm2d(out, eps)} at {@code bnKey}; then
   * {@code act}. The input channels follow from the tensor before it.
   */
  record Conv(String key, String bnKey, int out, int kernel, int stride, int padding, int groups, boolean bias,
      float eps, Act act) implements Layer {}

  /** Flatten to {@code [N, features]}, then {@code Linear(features, out)} with {@code key.weight} [out, features]. */
  record Linear(String key, int out) implements Layer {}

  /** An activation on its own. */
  record Activation(Act act) implements Layer {}

  /** Max-pool, square window, PyTorch's {@code ceil_mode} when {@code ceil}. */
  record MaxPool(int kernel, int stride, int padding, boolean ceil) implements Layer {}

  /** Average pool, square window, floor mode, padding counted in the divisor (PyTorch's default). */
  record AvgPool(int kernel, int stride, int padding) implements Layer {}

  /** Mean over H and W: {@code [N,C,H,W] -> [N,C,1,1]} when {@code keepSpatial}, else {@code [N,C]}. */
  record GlobalAvgPool(boolean keepSpatial) implements Layer {}

  /** ShuffleNet's channel shuffle: view as {@code [N, groups, C/groups, H, W]}, swap the channel axes, flatten. */
  record ChannelShuffle(int groups) implements Layer {}

  /** The first ({@code second} false) or second half of the channels. */
  record ChannelHalf(boolean second) implements Layer {}

  /** The layers one after the other. */
  record Seq(List<Layer> layers) implements Layer {}

  /** Every branch applied to the same input, outputs concatenated along channels, in order. */
  record Concat(List<Layer> branches) implements Layer {}

  /** {@code x + body(x)}. */
  record Residual(Layer body) implements Layer {}

  /** {@code x * gate(x)}, the gate's {@code [N,C,1,1]} broadcast over H and W (squeeze-and-excitation). */
  record Scale(Layer gate) implements Layer {}
}
