package io.litescore.config;

import java.io.Serializable;
import java.util.Locale;

/**
 * What a model entry is: decided once, from which of {@code uri}, {@code arch} + {@code weights} and
 * {@code artifact} it sets, by {@link #of}; everything downstream switches over this type.
 */
public sealed interface ModelEntry extends Serializable {
  /** A TorchScript file, run by libtorch. */
  record TorchScript(String uri) implements ModelEntry {
    @Override
    public String location() {
      return uri;
    }

    @Override
    public String describe() {
      return "TorchScript " + uri;
    }
  }

  /** An ONNX file ({@code uri} ending in {@code .onnx}), run by ONNX Runtime. */
  record Onnx(String uri) implements ModelEntry {
    @Override
    public String location() {
      return uri;
    }

    @Override
    public String describe() {
      return "ONNX " + uri;
    }
  }

  /** A zoo architecture ({@code jobs/litescore zoo}) with torchvision-named {@code .safetensors} weights. */
  record Zoo(String arch, String weights) implements ModelEntry {
    @Override
    public String field() {
      return "weights";
    }

    @Override
    public String location() {
      return weights;
    }

    @Override
    public String describe() {
      return "zoo " + arch + " + " + weights;
    }
  }

  /** A folder written by {@code litescore train}: {@code model.json} + {@code weights.safetensors}. */
  record Artifact(String folder) implements ModelEntry {
    @Override
    public String field() {
      return "artifact";
    }

    @Override
    public String location() {
      return folder;
    }

    @Override
    public String describe() {
      return "artifact " + folder;
    }
  }

  /**
   * The entry that exactly one of the forms describes; a {@link ConfigError} naming the entry ({@code rendered}
   * is how it was written) when none or several are given, or when {@code weights} comes without {@code arch}.
   */
  static ModelEntry of(String uri, String arch, String weights, String artifact, KeyNames keys, Object rendered) {
    int forms = (uri != null ? 1 : 0) + (arch != null ? 1 : 0) + (artifact != null ? 1 : 0);
    if (forms != 1) {
      throw ConfigError.of(keys.action(), keys.entry(), rendered, "exactly one of " + keys.name("uri")
          + " (a TorchScript or .onnx file), " + keys.name("arch") + " + " + keys.name("weights") + " (a zoo "
          + "architecture with .safetensors weights) or " + keys.name("artifact") + " (a folder written by "
          + "litescore train)");
    }
    if (arch == null && weights != null) {
      throw keys.error("weights", weights, "no weights without " + keys.key("arch"));
    }
    if (uri != null) {
      return uri.toLowerCase(Locale.ROOT).endsWith(".onnx") ? new Onnx(uri) : new TorchScript(uri);
    }
    if (arch != null) {
      if (weights == null || weights.isBlank()) {
        throw keys.error("weights", weights, "a non-empty string: the .safetensors file for " + keys.key("arch")
            + " = " + arch);
      }
      return new Zoo(arch, weights);
    }
    return new Artifact(artifact);
  }

  /** The field that names the file or folder the entry is read from: {@code uri}, {@code weights}, {@code artifact}. */
  default String field() {
    return "uri";
  }

  /** That file or folder. */
  String location();

  /** One line for logs and reports: {@code TorchScript s3a://m/a.pt}, {@code zoo squeezenet1_1 + w.safetensors}. */
  String describe();

  /** Whether a labels file is required (an artifact carries its class names). */
  default boolean needsLabels() {
    return !(this instanceof Artifact);
  }
}
