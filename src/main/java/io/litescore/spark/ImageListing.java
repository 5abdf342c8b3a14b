package io.litescore.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.litescore.config.ConfigError;
import io.litescore.config.ScoreConfig;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapFunction;
import scala.Tuple2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The images of a dataset as rows {@code (path, label, length)}, without reading their bytes: those are read on
 * executors while scoring. Also the set of labels the dataset uses, for checking them against each model.
 */
/** Rows {@code (path, label, length, modified)}: length and modification time (ms) are -1 when unknown. */
record ImageListing(Dataset<Row> images, TreeSet<String> labels) {
  static final StructType SCHEMA = new StructType()
      .add("path", DataTypes.StringType, false)
      .add("label", DataTypes.StringType, true)
      .add("length", DataTypes.LongType, false)
      .add("modified", DataTypes.LongType, false);

  /** Label of a file directly under an ImageFolder root, which has no class folder. */
  static final String NO_CLASS_FOLDER = "\u0000no-class-folder";

  static ImageListing of(SparkSession spark, ScoreConfig.Dataset ds, Configuration conf) {
    return switch (ds.layout()) {
      case IMAGEFOLDER -> imageFolder(spark, ds, conf);
      case UNLABELED -> new ImageListing(
          files(spark, ds, conf).select(col("path"), lit(null).cast("string").as("label"), col("length"),
              col("modified")),
          new TreeSet<>());
      case MANIFEST -> manifest(spark, ds, conf);
    };
  }

  private static String root(ScoreConfig.Dataset ds, Configuration conf) {
    try {
      Path p = new Path(ds.path());
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.getFileStatus(p).isDirectory()) {
        throw ConfigError.of("dataset.path", ds.path(), "a directory");
      }
      return fs.makeQualified(p).toString();
    } catch (FileNotFoundException e) {
      throw ConfigError.of("dataset.path", ds.path(), "an existing directory (not found)");
    } catch (IOException e) {
      throw ConfigError.of("dataset.path", ds.path(), "a readable directory (" + e.getMessage() + ")");
    }
  }

  /**
   * Image files below the root as {@code (path, length)}: the root's own files are listed on the driver, each
   * sub-folder is walked by an executor task ({@link FileWalker}).
   */
  private static Dataset<Row> files(SparkSession spark, ScoreConfig.Dataset ds, Configuration conf) {
    String root = root(ds, conf);
    FileWalker walker = new FileWalker(ds.extensions(), new SerializableHadoopConf(conf));
    List<String> dirs = new ArrayList<>();
    List<Row> top = new ArrayList<>();
    try {
      Path p = new Path(root);
      for (FileStatus s : p.getFileSystem(conf).listStatus(p)) {
        String n = s.getPath().getName();
        if (FileWalker.hidden(n)) {
          continue;
        }
        if (s.isDirectory()) {
          dirs.add(s.getPath().toString());
        } else if (walker.wanted(n)) {
          top.add(RowFactory.create(s.getPath().toString(), s.getLen(), s.getModificationTime()));
        }
      }
    } catch (IOException e) {
      throw ConfigError.of("dataset.path", ds.path(), "a readable directory (" + e.getMessage() + ")");
    }
    StructType schema = new StructType().add("path", DataTypes.StringType, false)
        .add("length", DataTypes.LongType, false)
      .add("modified", DataTypes.LongType, false);
    Dataset<Row> rootFiles = spark.createDataFrame(top, schema);
    if (dirs.isEmpty()) {
      return rootFiles;
    }
    int tasks = Math.min(dirs.size(), spark.sparkContext().defaultParallelism() * 4);
    Dataset<Row> walked = spark.createDataset(dirs, Encoders.STRING()).repartition(tasks)
        .flatMap(walker, Encoders.row(schema));
    return rootFiles.union(walked);
  }

  private static ImageListing imageFolder(SparkSession spark, ScoreConfig.Dataset ds, Configuration conf) {
    String root = root(ds, conf);
    TreeSet<String> labels = new TreeSet<>();
    try {
      Path p = new Path(root);
      for (FileStatus s : p.getFileSystem(conf).listStatus(p)) {
        String n = s.getPath().getName();
        if (s.isDirectory() && !n.startsWith(".") && !n.startsWith("_")) {
          labels.add(n);
        }
      }
    } catch (IOException e) {
      throw ConfigError.of("dataset.path", ds.path(), "a readable directory (" + e.getMessage() + ")");
    }
    String prefix = root.endsWith("/") ? root : root + "/";
    Dataset<Row> images = files(spark, ds, conf).map(
        (MapFunction<Row, Row>) r -> {
          String path = r.getString(0);
          String rel = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
          int slash = rel.indexOf('/');
          String label = slash > 0 ? rel.substring(0, slash) : NO_CLASS_FOLDER;
          return RowFactory.create(path, label, r.getLong(1), r.getLong(2));
        },
        Encoders.row(SCHEMA));
    return new ImageListing(images, labels);
  }

  /**
   * Fails fast, naming line numbers, when CSV rows have the wrong number of fields or no path: Spark's CSV reader
   * would silently pad or truncate them. One pass over the manifest; only the first bad line numbers come back.
   */
  static void checkCsvRows(SparkSession spark, String manifest, int columns, int pathColumn) {
    JavaRDD<Tuple2<String, Long>> lines = spark.read().textFile(manifest).javaRDD().zipWithIndex()
        .map(t -> new Tuple2<>(t._1(), t._2() + 1));
    JavaRDD<String> bad = lines.filter(t -> t._2() > 1 && !t._1().isBlank())
        .map(t -> {
          String[] f = new CsvParser(new CsvParserSettings()).parseLine(t._1());
          if (f == null || f.length != columns) {
            return "line " + t._2() + ": " + (f == null ? 0 : f.length) + " fields, the header has " + columns;
          }
          return f[pathColumn] == null || f[pathColumn].isBlank() ? "line " + t._2() + ": empty path" : "";
        })
        .filter(m -> !m.isEmpty());
    List<String> first = bad.take(5);
    if (!first.isEmpty()) {
      long n = bad.count();
      throw ConfigError.of("dataset.manifest", manifest, "one path[,label] row per line; " + n + " row(s) are not: "
          + String.join("; ", first) + (n > first.size() ? "; ..." : ""));
    }
  }

  private static ImageListing manifest(SparkSession spark, ScoreConfig.Dataset ds, Configuration conf) {
    String manifest = ds.manifest();
    Dataset<Row> raw;
    try {
      Path mp = new Path(manifest);
      FileSystem fs = mp.getFileSystem(conf);
      if (!fs.exists(mp)) {
        throw ConfigError.of("dataset.manifest", manifest, "an existing CSV or Parquet file (not found)");
      }
      boolean parquet = manifest.toLowerCase(Locale.ROOT).endsWith(".parquet") || fs.getFileStatus(mp).isDirectory();
      raw = parquet
          ? spark.read().parquet(manifest)
          : spark.read().option("header", "true").option("mode", "PERMISSIVE").csv(manifest);
    } catch (IOException e) {
      throw ConfigError.of("dataset.manifest", manifest, "a readable CSV or Parquet file (" + e.getMessage() + ")");
    }
    List<String> columns = List.of(raw.columns());
    if (!columns.contains("path")) {
      throw ConfigError.of("dataset.manifest", manifest, "a 'path' column (and optionally 'label'), found "
          + columns);
    }
    boolean labelled = columns.contains("label");
    if (!raw.isStreaming() && !manifest.toLowerCase(Locale.ROOT).endsWith(".parquet")) {
      checkCsvRows(spark, manifest, columns.size(), columns.indexOf("path"));
    }
    String base;
    try {
      base = ds.path().isBlank()
          ? HadoopFiles.qualify(new Path(manifest).getParent().toString(), conf)
          : HadoopFiles.qualify(ds.path(), conf);
    } catch (IOException e) {
      throw ConfigError.of("dataset.path", ds.path(), "a resolvable base for relative manifest paths");
    }
    String prefix = base.endsWith("/") ? base : base + "/";
    Dataset<Row> images = raw.select(col("path").cast("string"),
            labelled ? col("label").cast("string") : lit(null).cast("string"))
        .map((MapFunction<Row, Row>) r -> {
          String p = r.isNullAt(0) ? "" : r.getString(0).strip();
          String resolved = p.isEmpty() || new Path(p).toUri().getScheme() != null || p.startsWith("/")
              ? p : prefix + p;
          String label = r.isNullAt(1) || r.getString(1).isBlank() ? null : r.getString(1).strip();
          return RowFactory.create(resolved, label, -1L, -1L);
        }, Encoders.row(SCHEMA));
    TreeSet<String> labels = new TreeSet<>();
    if (labelled) {
      for (Row r : images.select("label").where(col("label").isNotNull()).distinct().collectAsList()) {
        labels.add(r.getString(0));
      }
    }
    return new ImageListing(images, labels);
  }

}
