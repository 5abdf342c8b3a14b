package io.litescore.spark;

import ai.djl.engine.Engine;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.litescore.config.ScoreConfig;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
  static final String TABLE = "run_info";
  static final String FILE = "run_info.json";
  private static final Gson GSON = new GsonBuilder().serializeNulls().setPrettyPrinting().create();

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
    o.addProperty("pytorch_version", pytorchVersion());
    o.addProperty("java_version", System.getProperty("java.version"));
    o.addProperty("started_at", startedAt.toString());
    o.addProperty("finished_at", Instant.now().toString());
    o.add("config", GSON.toJsonTree(config));
    Path p = path(output, config.run().id());
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      try (OutputStream out = fs.create(p, true)) {
        out.write(GSON.toJson(o).getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the run info " + p + ": " + e.getMessage(), e);
    }
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

  private static String pytorchVersion() {
    try {
      return Engine.getEngine("PyTorch").getVersion();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
