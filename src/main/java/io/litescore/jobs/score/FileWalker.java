package io.litescore.jobs.score;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import io.litescore.io.HadoopFiles;
import io.litescore.io.SerializableHadoopConf;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Lists the image files below one folder through Hadoop's FileSystem API, on an executor. Unlike Spark's file
 * sources it keeps zero-byte files (they become error rows instead of vanishing), and on local file systems it
 * enters each real folder once, so symlink loops end. Names starting with '.' or '_' are skipped, as Spark does.
 */
public final class FileWalker implements FlatMapFunction<String, Row>, Serializable {
  /** The rows it lists. */
  static final StructType SCHEMA = new StructType()
      .add("path", DataTypes.StringType, false)
      .add("length", DataTypes.LongType, false)
      .add("modified", DataTypes.LongType, false);

  private final Set<String> extensions;
  private final SerializableHadoopConf conf;

  public FileWalker(List<String> extensions, SerializableHadoopConf conf) {
    this.extensions = new HashSet<>(extensions);
    this.conf = conf;
  }

  public static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  boolean wanted(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** Rows {@code (path, length, modified)} of the image files below {@code dir}, recursively. */
  @Override
  public Iterator<Row> call(String dir) throws IOException {
    Path start = HadoopFiles.path(dir);
    FileSystem fs = start.getFileSystem(conf.get());
    boolean local = "file".equals(fs.getUri().getScheme());
    Set<String> seen = new HashSet<>();
    List<Row> out = new ArrayList<>();
    ArrayDeque<Path> todo = new ArrayDeque<>(List.of(start));
    while (!todo.isEmpty()) {
      Path d = todo.pop();
      if (local && !seen.add(realPath(d))) {
        continue;
      }
      FileStatus[] entries;
      try {
        entries = fs.listStatus(d);
      } catch (IOException e) {
        continue; // a dangling link or a folder that vanished: nothing to list
      }
      for (FileStatus s : entries) {
        String name = s.getPath().getName();
        if (hidden(name)) {
          continue;
        }
        if (s.isDirectory()) {
          todo.push(s.getPath());
        } else if (wanted(name)) {
          out.add(RowFactory.create(s.getPath().toString(), s.getLen(), s.getModificationTime()));
        }
      }
    }
    return out.iterator();
  }

  private static String realPath(Path p) {
    try {
      return Paths.get(p.toUri()).toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      return p.toString();
    }
  }
}
