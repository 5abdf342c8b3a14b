package io.litescore.jobs.score;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The commit protocol of a run. Tables are written to {@code <output>/_staging/<run id>-<uuid>/<table>/run_id=<id>}
 * (hidden from readers: Spark skips '_' folders, and it is outside the tables); {@link #publish} then moves each
 * table's run folder into place with one rename, replacing an earlier output of the same id. A run that fails
 * before publishing leaves the published tables as they were; its staging folder is removed by the next run of
 * the same id. On HDFS and local disks a folder rename is atomic; on S3 it is a copy (see README).
 */
public final class RunPublisher {
  static final List<String> TABLES = List.of("predictions", "metrics", "class_metrics", RunInfo.TABLE);

  private final String output;
  private final String runId;
  private final String staging;
  private final Configuration conf;

  private RunPublisher(String output, String runId, String staging, Configuration conf) {
    this.output = output;
    this.runId = runId;
    this.staging = staging;
    this.conf = conf;
  }

  /** Removes staging folders of earlier failed attempts of this run id and names a new one. */
  public static RunPublisher start(String output, String runId, Configuration conf) {
    Path stagingRoot = new Path(output, "_staging");
    try {
      FileSystem fs = stagingRoot.getFileSystem(conf);
      if (fs.exists(stagingRoot)) {
        for (FileStatus s : fs.listStatus(stagingRoot)) {
          if (s.getPath().getName().startsWith(runId + "-")) {
            fs.delete(s.getPath(), true);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clean the staging folder " + stagingRoot + ": " + e.getMessage(), e);
    }
    return new RunPublisher(output, runId, new Path(stagingRoot, runId + "-" + UUID.randomUUID()).toString(), conf);
  }

  public String staging() {
    return staging;
  }

  /**
   * A staging folder for one micro-batch of a stream run ({@code _staging/<run id>-batch-<n>}), emptied first: a
   * replayed batch starts clean.
   */
  public static RunPublisher forBatch(String output, String runId, long batchId, Configuration conf) {
    Path staging = new Path(new Path(output, "_staging"), runId + "-batch-" + batchId);
    try {
      FileSystem fs = staging.getFileSystem(conf);
      fs.delete(staging, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clean the staging folder " + staging + ": " + e.getMessage(), e);
    }
    return new RunPublisher(output, runId, staging.toString(), conf);
  }

  /** Moves the staged tables into place; true when an earlier output of this run id was replaced. */
  public boolean publish() {
    return publish(TABLES);
  }

  /** Moves these staged tables' run folders into place, replacing the earlier ones; then drops the staging. */
  public boolean publish(List<String> tables) {
    boolean replaced = false;
    try {
      FileSystem fs = new Path(output).getFileSystem(conf);
      for (String table : tables) {
        Path from = new Path(staging + "/" + table + "/run_id=" + runId);
        Path to = new Path(output + "/" + table + "/run_id=" + runId);
        if (!fs.exists(from)) {
          continue;
        }
        fs.mkdirs(to.getParent());
        if (fs.exists(to)) {
          replaced = true;
          fs.delete(to, true);
        }
        if (!fs.rename(from, to)) {
          throw new IOException("rename of " + from + " to " + to + " failed");
        }
        // the committer's marker (the magic committer's holds its JSON summary) marks the table's latest write
        Path marker = new Path(staging + "/" + table + "/_SUCCESS");
        Path published = new Path(output + "/" + table + "/_SUCCESS");
        if (fs.exists(marker)) {
          fs.delete(published, false);
          fs.rename(marker, published);
        }
      }
      fs.delete(new Path(staging), true);
      Path stagingRoot = new Path(output, "_staging");
      if (fs.exists(stagingRoot) && fs.listStatus(stagingRoot).length == 0) {
        fs.delete(stagingRoot, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish run " + runId + " to " + output + ": " + e.getMessage(), e);
    }
    return replaced;
  }
}
