package io.litescore.jobs.score;

import ai.djl.engine.Engine;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonSerializationContext;
import com.google.gson.JsonSerializer;
import com.google.gson.JsonParser;
import io.litescore.config.ModelEntry;
import io.litescore.io.HadoopFiles;
import io.litescore.config.ModelSpec;
import io.litescore.config.ScoreConfig;
import io.litescore.runtime.TorchRuntime;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code run_info/run_id=<id>/run_info.json}: what a score run was (its parsed config) and what ran it (litescore,
 * Spark, DJL, PyTorch and Java versions, master, start and end), for {@code compare}'s run details.
 */
public final class RunInfo {
  public static final String TABLE = "run_info";
  static final String FILE = "run_info.json";
  private static final Gson GSON = new GsonBuilder().serializeNulls().setPrettyPrinting()
      .registerTypeAdapter(ModelSpec.class, (JsonSerializer<ModelSpec>) (m, type, ctx) -> model(m, ctx))
      .create();

  private RunInfo() {}

  static Path path(String output, String runId) {
    return new Path(output + "/" + TABLE + "/run_id=" + runId + "/" + FILE);
  }

  /** Writes (replaces) the run's info; called at the end of a score run. */
  public static void write(SparkSession spark, ScoreConfig config, String output, Instant startedAt,
      Configuration hadoop) {
    JsonObject o = new JsonObject();
    o.addProperty("run_id", config.run().id());
    String version = RunInfo.class.getPackage().getImplementationVersion();
    o.addProperty("litescore_version", version == null ? "(development build)" : version);
    o.addProperty("spark_version", spark.version());
    o.addProperty("spark_master", spark.sparkContext().master());
    o.addProperty("djl_version", Engine.getDjlVersion());
    o.addProperty("pytorch_version", TorchRuntime.libtorchVersion());
    o.addProperty("java_version", System.getProperty("java.version"));
    o.addProperty("started_at", startedAt.toString());
    o.addProperty("finished_at", Instant.now().toString());
    o.add("config", GSON.toJsonTree(config));
    HadoopFiles.writeText(path(output, config.run().id()).toString(), GSON.toJson(o), hadoop);
  }

  /**
   * A model entry as the config wrote it: {@code name}, the form's own keys ({@code uri}, {@code arch} +
   * {@code weights}, {@code artifact}) with {@code form} ({@code torchscript}, {@code onnx}, {@code zoo},
   * {@code artifact}), then labels, preprocessing and batch size.
   */
  private static JsonElement model(ModelSpec m, JsonSerializationContext ctx) {
    JsonObject o = new JsonObject();
    o.addProperty("name", m.name());
    ModelEntry e = m.entry();
    o.addProperty("form", e.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
    if (e instanceof ModelEntry.Zoo z) {
      o.addProperty("arch", z.arch());
      o.addProperty("weights", z.weights());
    } else if (e instanceof ModelEntry.Artifact a) {
      o.addProperty("artifact", a.folder());
    } else {
      o.addProperty("uri", e.location());
    }
    o.addProperty("labels", m.labels());
    o.addProperty("numClasses", m.numClasses());
    o.addProperty("stem", m.stem());
    o.addProperty("sha256", m.sha256());
    o.add("preprocessing", ctx.serialize(m.preprocessing()));
    o.add("explicitPreprocessing", ctx.serialize(m.explicitPreprocessing()));
    o.addProperty("batchSize", m.batchSize());
    o.addProperty("fastDecode", m.fastDecode());
    return o;
  }

  /** The run's info, or null when the run has none (written by an older litescore). */
  public static JsonObject read(String output, String runId, Configuration hadoop) {
    Path p = path(output, runId);
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      try (InputStream in = fs.open(p)) {
        return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
      }
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      JsonObject broken = new JsonObject();
      broken.addProperty("error", "cannot read " + p + ": " + e.getMessage());
      return broken;
    }
  }
}
