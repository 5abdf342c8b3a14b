package io.litescore.zoo;

/**
 * The network's first layers. {@code STANDARD} is the paper's/torchvision's (stride-2 conv, then a max-pool where
 * the architecture has one). {@code SMALL} is for inputs of about 32-64 px, such as upscaled Fashion-MNIST: the
 * first conv keeps stride 1 and the stem max-pool is dropped, so the feature map is not collapsed to 1x1 before
 * the last stage. Weights have the same names and shapes either way.
 */
public enum Stem {
  STANDARD,
  SMALL;

  int stride() {
    return this == SMALL ? 1 : 2;
  }

  boolean keepsMaxPool() {
    return this == STANDARD;
  }
}
