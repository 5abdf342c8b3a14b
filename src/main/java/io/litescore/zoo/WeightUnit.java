package io.litescore.zoo;

import java.util.Map;

/** A layer whose weights carry torchvision's state-dict names, so they can be imported and exported. */
interface WeightUnit {
  /** Copies this unit's tensors from a torchvision state dict (folding BatchNorm into the conv if built so). */
  void load(Map<String, Tensor> stateDict);

  /** Adds this unit's tensors to {@code out} under torchvision's names (unfolded networks only). */
  void export(Map<String, Tensor> out);
}
