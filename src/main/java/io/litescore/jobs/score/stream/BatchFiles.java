package io.litescore.jobs.score.stream;

import io.litescore.io.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Moves a micro-batch's staged table files into the table, each renamed {@code b<batch id>-<name>} in the same
 * partition folder, after deleting what an earlier attempt of the same batch left there: however often a batch is
 * replayed, the table holds its rows once.
 */
final class BatchFiles {
  private BatchFiles() {}

  static void move(String stagedTable, String table, long batchId, Configuration conf) {
    String prefix = "b" + batchId + "-";
    Path from = HadoopFiles.path(stagedTable);
    Path to = HadoopFiles.path(table);
    try {
      FileSystem fs = from.getFileSystem(conf);
      List<Path[]> moves = new ArrayList<>();
      collect(fs, from, to, prefix, moves);
      Set<Path> folders = new HashSet<>();
      for (Path[] m : moves) {
        folders.add(m[1].getParent());
      }
      for (Path folder : folders) {
        if (fs.exists(folder)) {
          for (FileStatus s : fs.listStatus(folder)) {
            if (s.getPath().getName().startsWith(prefix)) {
              fs.delete(s.getPath(), false);
            }
          }
        } else {
          fs.mkdirs(folder);
        }
      }
      for (Path[] m : moves) {
        if (!fs.rename(m[0], m[1])) {
          throw new IOException("rename of " + m[0] + " to " + m[1] + " failed");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot add batch " + batchId + " to " + table + ": " + e.getMessage(), e);
    }
  }

  /** Data files below {@code dir} (partition folders included) and where each goes. */
  private static void collect(FileSystem fs, Path dir, Path target, String prefix, List<Path[]> moves)
      throws IOException {
    if (!fs.exists(dir)) {
      return;
    }
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      if (s.isDirectory()) {
        collect(fs, s.getPath(), new Path(target, new Path(null, null, name)), prefix, moves);
      } else {
        moves.add(new Path[] {s.getPath(), new Path(target, new Path(null, null, prefix + name))});
      }
    }
  }
}
