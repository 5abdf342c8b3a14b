package io.litescore.runtime;

import ai.djl.Model;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** The number of parameters of a loaded model, as torchvision counts them ({@code sum(p.numel())}). */
public final class ParameterCount {
  private ParameterCount() {}

  /**
   * Parameters of the model's network as loaded: for TorchScript the module's {@code named_parameters()} (buffers
   * such as BatchNorm statistics are not parameters); for zoo models the DJL blocks' parameters other than
   * BatchNorm running statistics, after BatchNorm folding. Null when the network does not list them.
   */
  public static Long of(Model model) {
    try {
      long n = 0;
      for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
        Parameter.Type type = p.getValue().getType();
        if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR) {
          continue;
        }
        n += p.getValue().getArray().getShape().size();
      }
      return n;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
