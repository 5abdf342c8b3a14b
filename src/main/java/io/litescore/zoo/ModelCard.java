package io.litescore.zoo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.annotations.SerializedName;
import java.util.List;

/**
 * {@code model.json} beside {@code weights.safetensors}: what a trained (or imported) zoo model is, how its inputs
 * must be prepared, and how it did. {@code litescore score} reads it for an {@code artifact} model entry.
 */
public record ModelCard(
    String format,
    String arch,
    String stem,
    @SerializedName("num_classes") int numClasses,
    List<String> classes,
    Prep preprocessing,
    @SerializedName("input_size") int inputSize,
    String weights,
    @SerializedName("weights_sha256") String weightsSha256,
    long params,
    Training training) {

  public static final String FORMAT = "litescore-model/1";
  public static final String FILE = "model.json";
  public static final String WEIGHTS = "weights.safetensors";

  /** Resize, crop and normalisation the model was trained with. */
  public record Prep(int resize, int crop, float[] mean, float[] std) {}

  /** How the model was trained and how it scored on the held-out split. */
  public record Training(String data, int epochs, @SerializedName("batch_size") int batchSize, double lr,
      String optimizer, @SerializedName("train_images") long trainImages,
      @SerializedName("val_images") long valImages, @SerializedName("val_top1") double valTop1,
      @SerializedName("val_top5") double valTop5, @SerializedName("train_seconds") double trainSeconds,
      List<Epoch> history) {}

  /** One epoch's figures. */
  public record Epoch(int epoch, double loss, @SerializedName("train_top1") double trainTop1,
      @SerializedName("val_top1") double valTop1, double seconds) {}

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
      .create();

  public String toJson() {
    return GSON.toJson(this);
  }

  public static ModelCard fromJson(String json) {
    ModelCard c = GSON.fromJson(json, ModelCard.class);
    if (c == null || !FORMAT.equals(c.format())) {
      throw new IllegalArgumentException("not a litescore model card (format must be " + FORMAT + ")");
    }
    if (c.arch() == null || c.classes() == null || c.preprocessing() == null) {
      throw new IllegalArgumentException("model card lacks arch, classes or preprocessing");
    }
    return c;
  }
}
