package io.litescore.jobs.score;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.litescore.config.ConfigError;
import io.litescore.config.ScoreConfig;
import io.litescore.io.HadoopFiles;
import io.litescore.io.SerializableHadoopConf;
import io.litescore.ml.CatalystRows;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The images of a dataset as rows {@code (path, label, length, modified[, content])} and the set of labels the
 * dataset uses (for checking them against each model). Files are listed, not read: their bytes are read on the
 * executors that score them. Length and modification time (ms) are -1 when unknown (manifests, tables). A table
 * ({@code dataset.layout = table}) carries the encoded images in a fifth column, {@code content}.
 *
 * @param dataset the rows as a Dataset, made on first use ({@link #images()})
 * @param labelsAreIndices the labels are class indices (an integer label column, or
 *     {@code dataset.labels-are-indices})
 * @param listed whether the rows come from listing files (cheap to cache: no image bytes)
 * @param onDriver the rows themselves when they were listed on the driver (local Spark, local disk: a Spark job
 *     costs more than the walk), else null
 */
public record ImageListing(Supplier<Dataset<Row>> dataset, TreeSet<String> labels, boolean labelsAreIndices,
    boolean listed, List<Row> onDriver) {
  static final int PATH = 0;
  static final int LABEL = 1;
  static final int LENGTH = 2;
  static final int MODIFIED = 3;
  public static final String CONTENT = "content";

  public static final StructType SCHEMA = new StructType()
      .add("path", DataTypes.StringType, false)
      .add("label", DataTypes.StringType, true)
      .add("length", DataTypes.LongType, false)
      .add("modified", DataTypes.LongType, false);

  /** Label of a file directly under an ImageFolder root, which has no class folder. */
  public static final String NO_CLASS_FOLDER = "\u0000no-class-folder";

  static ImageListing of(SparkSession spark, ScoreConfig.Dataset ds, Configuration conf) {
    return switch (ds.layout()) {
      case IMAGEFOLDER -> imageFolder(spark, ds, conf);
      case UNLABELED -> unlabeled(spark, ds, conf);
      case MANIFEST -> manifest(spark, ds, conf);
      case TABLE -> table(spark, ds);
    };
  }

  /**
   * The rows as a Dataset. Rows listed on the driver become one only when asked for (an incremental run): a run
   * scores a balanced split of them instead ({@link #balanced}), and would make this one for nothing.
   */
  public Dataset<Row> images() {
    return dataset.get();
  }

  /** {@code make}, called once, on first use. */
  private static Supplier<Dataset<Row>> once(Supplier<Dataset<Row>> make) {
    return new Supplier<>() {
      private Dataset<Row> value;

      @Override
      public synchronized Dataset<Row> get() {
        if (value == null) {
          value = make.get();
        }
        return value;
      }
    };
  }

  /** A Dataset there already. */
  private static Supplier<Dataset<Row>> made(Dataset<Row> images) {
    return () -> images;
  }

  /** The input column an image classifier reads: the file's path, or a table's content. */
  String inputColumn() {
    return listed ? "path" : CONTENT;
  }

  public static String root(ScoreConfig.Dataset ds, Configuration conf) {
    try {
      Path p = HadoopFiles.path(ds.path());
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.getFileStatus(p).isDirectory()) {
        throw ConfigError.of("dataset.path", ds.path(), "a directory");
      }
      return fs.makeQualified(p).toString();
    } catch (FileNotFoundException e) {
      throw ConfigError.of("dataset.path", ds.path(), "an existing directory (not found)");
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigError.of("dataset.path", ds.path(), "a readable directory (" + e.getMessage() + ")");
    }
  }

  /**
   * The listing rows in this JVM, when walking here beats a Spark job: local Spark over a local disk. Null
   * otherwise (executors walk the folders).
   */
  private static List<Row> walkHere(SparkSession spark, ScoreConfig.Dataset ds, Configuration conf, String root,
      boolean labelled) {
    if (!spark.sparkContext().isLocal() || !"file".equals(HadoopFiles.path(root).toUri().getScheme())) {
      return null;
    }
    String prefix = root.endsWith("/") ? root : root + "/";
    List<Row> rows = new ArrayList<>();
    try {
      java.util.Iterator<Row> it = new FileWalker(ds.extensions(), new SerializableHadoopConf(conf)).call(root);
      while (it.hasNext()) {
        Row r = it.next();
        rows.add(RowFactory.create(r.getString(0), labelled ? labelOf(prefix, r.getString(0)) : null, r.getLong(1),
            r.getLong(2)));
      }
    } catch (IOException e) {
      throw ConfigError.of("dataset.path", ds.path(), "a readable directory (" + e.getMessage() + ")");
    }
    return rows;
  }

  private static ImageListing unlabeled(SparkSession spark, ScoreConfig.Dataset ds, Configuration conf) {
    String root = root(ds, conf);
    List<Row> here = walkHere(spark, ds, conf, root, false);
    Supplier<Dataset<Row>> images = here != null ? once(() -> rows(spark, here)) : made(files(spark, ds, conf, root)
        .select(col("path"), lit(null).cast("string").as("label"), col("length"), col("modified")));
    return new ImageListing(images, new TreeSet<>(), ds.labelsAreIndices(), true, here);
  }

  /**
   * Rows listed here as a DataFrame, without copying them into the plan (a local relation of 100k rows is slow):
   * one contiguous slice per core, in order.
   */
  static Dataset<Row> rows(SparkSession spark, List<Row> rows) {
    int n = Math.max(1, Math.min(rows.size(), spark.sparkContext().defaultParallelism()));
    List<List<Row>> slices = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      slices.add(rows.subList((int) ((long) i * rows.size() / n), (int) ((long) (i + 1) * rows.size() / n)));
    }
    return CatalystRows.fromSlices(spark, slices, SCHEMA);
  }

  /**
   * Rows of a listing done here, split into {@code n} partitions of about the same bytes (so about the same
   * decoding work): the largest files first, each to the partition with the fewest bytes so far.
   */
  static Dataset<Row> balanced(SparkSession spark, List<Row> rows, int n) {
    List<Row> bySize = new ArrayList<>(rows);
    bySize.sort((a, b) -> Long.compare(b.getLong(LENGTH), a.getLong(LENGTH)));
    List<List<Row>> parts = new ArrayList<>();
    java.util.PriorityQueue<long[]> lightest = new java.util.PriorityQueue<>(
        (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    for (int i = 0; i < n; i++) {
      parts.add(new ArrayList<>());
      lightest.add(new long[] {0, i});
    }
    for (Row r : bySize) {
      long[] p = lightest.poll();
      parts.get((int) p[1]).add(r);
      p[0] += Math.max(1, r.getLong(LENGTH));
      lightest.add(p);
    }
    return CatalystRows.fromSlices(spark, parts, SCHEMA);
  }

  /**
   * Image files below the root as {@code (path, length, modified)}: the root's own files are listed on the driver,
   * each sub-folder is walked by an executor task ({@link FileWalker}).
   */
  private static Dataset<Row> files(SparkSession spark, ScoreConfig.Dataset ds, Configuration conf, String root) {
    FileWalker walker = new FileWalker(ds.extensions(), new SerializableHadoopConf(conf));
    List<String> dirs = new ArrayList<>();
    List<Row> top = new ArrayList<>();
    try {
      Path p = HadoopFiles.path(root);
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
    Dataset<Row> rootFiles = spark.createDataFrame(top, FileWalker.SCHEMA);
    if (dirs.isEmpty()) {
      return rootFiles;
    }
    int tasks = Math.min(dirs.size(), spark.sparkContext().defaultParallelism() * 4);
    Dataset<Row> walked = CatalystRows.fromRows(spark, JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(dirs, tasks).flatMap(walker::call), FileWalker.SCHEMA);
    return rootFiles.union(walked);
  }

  private static ImageListing imageFolder(SparkSession spark, ScoreConfig.Dataset ds, Configuration conf) {
    String root = root(ds, conf);
    TreeSet<String> labels = new TreeSet<>();
    try {
      Path p = HadoopFiles.path(root);
      for (FileStatus s : p.getFileSystem(conf).listStatus(p)) {
        String n = s.getPath().getName();
        if (s.isDirectory() && !FileWalker.hidden(n)) {
          labels.add(n);
        }
      }
    } catch (IOException e) {
      throw ConfigError.of("dataset.path", ds.path(), "a readable directory (" + e.getMessage() + ")");
    }
    String prefix = root.endsWith("/") ? root : root + "/";
    List<Row> here = walkHere(spark, ds, conf, root, true);
    Supplier<Dataset<Row>> images = here != null ? once(() -> rows(spark, here)) : made(CatalystRows.map(
        files(spark, ds, conf, root), r -> RowFactory.create(r.getString(0), labelOf(prefix, r.getString(0)),
            r.getLong(1), r.getLong(2)), SCHEMA));
    return new ImageListing(images, labels, ds.labelsAreIndices(), true, here);
  }

  /** The ImageFolder label of a file: the first folder below the root. */
  public static String labelOf(String rootPrefix, String path) {
    String rel = path.startsWith(rootPrefix) ? path.substring(rootPrefix.length()) : path;
    int slash = rel.indexOf('/');
    return slash > 0 ? rel.substring(0, slash) : NO_CLASS_FOLDER;
  }

  /**
   * Fails fast, naming line numbers, when CSV rows have the wrong number of fields or no path: Spark's CSV reader
   * would silently pad or truncate them. One pass over the manifest; only the first bad line numbers come back.
   */
  static void checkCsvRows(SparkSession spark, String manifest, int columns, int pathColumn) {
    JavaRDD<Tuple2<String, Long>> lines = JavaSparkContext.fromSparkContext(spark.sparkContext()).textFile(manifest)
        .zipWithIndex()
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
      Path mp = HadoopFiles.path(manifest);
      FileSystem fs = mp.getFileSystem(conf);
      if (!fs.exists(mp)) {
        throw ConfigError.of("dataset.manifest", manifest, "an existing CSV or Parquet file (not found)");
      }
      boolean parquet = manifest.toLowerCase(Locale.ROOT).endsWith(".parquet") || fs.getFileStatus(mp).isDirectory();
      raw = parquet
          ? spark.read().parquet(manifest)
          : spark.read().option("header", "true").option("mode", "PERMISSIVE").csv(manifest);
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigError.of("dataset.manifest", manifest, "a readable CSV or Parquet file (" + e.getMessage() + ")");
    }
    List<String> columns = List.of(raw.columns());
    if (!columns.contains("path")) {
      throw ConfigError.of("dataset.manifest", manifest, "a 'path' column (and optionally 'label'), found "
          + columns);
    }
    boolean labelled = columns.contains("label");
    if (!manifest.toLowerCase(Locale.ROOT).endsWith(".parquet") && !isFolder(manifest, conf)) {
      checkCsvRows(spark, manifest, columns.size(), columns.indexOf("path"));
    }
    String base;
    try {
      base = ds.path().isBlank()
          ? HadoopFiles.qualify(HadoopFiles.path(manifest).getParent().toString(), conf)
          : HadoopFiles.qualify(ds.path(), conf);
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigError.of("dataset.path", ds.path(), "a resolvable base for relative manifest paths");
    }
    String prefix = base.endsWith("/") ? base : base + "/";
    Dataset<Row> images = CatalystRows.map(raw.select(col("path").cast("string"),
            labelled ? col("label").cast("string") : lit(null).cast("string")), r -> {
          String p = r.isNullAt(0) ? "" : r.getString(0).strip();
          String resolved = p.isEmpty() || HadoopFiles.isAbsolute(p) ? p : prefix + p;
          String label = r.isNullAt(1) || r.getString(1).isBlank() ? null : r.getString(1).strip();
          return RowFactory.create(resolved, label, -1L, -1L);
        }, SCHEMA);
    return new ImageListing(made(images), labelled ? distinctLabels(images) : new TreeSet<>(),
        ds.labelsAreIndices(), true, null);
  }

  private static boolean isFolder(String uri, Configuration conf) {
    try {
      Path p = HadoopFiles.path(uri);
      return p.getFileSystem(conf).getFileStatus(p).isDirectory();
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * A table of encoded images ({@code dataset.layout = table}): {@code content} is the content column (binary or a
   * struct with {@code bytes}); {@code path} is the id column, else the struct's {@code path} field, else
   * {@code <dataset.path>#<row>}; the label column is a class name or, when its type is integral, a class index.
   */
  private static ImageListing table(SparkSession spark, ScoreConfig.Dataset ds) {
    Dataset<Row> raw = readTable(spark, ds);
    TableView view = TableView.of(raw.schema(), ds, "");
    Dataset<Row> images = raw.select(view.columns());
    TreeSet<String> labels = ds.table().labelColumn() == null ? new TreeSet<>() : distinctLabels(images);
    return new ImageListing(made(images), labels, view.labelsAreIndices(), false, null);
  }

  /** The table {@code dataset.path} as {@code dataset.format} reads it; a ConfigError naming both otherwise. */
  public static Dataset<Row> readTable(SparkSession spark, ScoreConfig.Dataset ds) {
    try {
      return spark.read().format(ds.table().format()).load(ds.path());
    } catch (RuntimeException e) {
      throw ConfigError.of("dataset.path", ds.path(), "a table Spark reads as " + ds.table().format()
          + " (dataset.format) (" + firstLine(e.getMessage()) + ")");
    }
  }

  /**
   * How a table's rows become listing rows {@code (path, label, length, modified, content)}: {@code content} is the
   * content column (binary or a struct with {@code bytes}); {@code path} is the id column, else the struct's
   * {@code path} field, else {@code <dataset.path>#<tag><row>} ({@code tag} tells a stream's micro-batches
   * apart); the label column is a class name or, when its type is integral, a class index.
   */
  public record TableView(Column[] columns, boolean labelsAreIndices) {
    public static TableView of(StructType schema, ScoreConfig.Dataset ds, String tag) {
      ScoreConfig.Table t = ds.table();
      String content = t.contentColumn() != null ? t.contentColumn() : onlyImageColumn(schema, ds);
      StructField contentField = field(schema, content, "dataset.content-column");
      if (!isImageColumn(contentField.dataType())) {
        throw ConfigError.of("dataset.content-column", content, "a binary column or a struct with a binary 'bytes' "
            + "field, but it is " + contentField.dataType().simpleString());
      }
      List<Column> ids = new ArrayList<>();
      if (t.idColumn() != null) {
        field(schema, t.idColumn(), "dataset.id-column");
        ids.add(col(t.idColumn()).cast("string"));
      } else if (contentField.dataType() instanceof StructType s && Arrays.asList(s.fieldNames()).contains("path")) {
        ids.add(col(content + ".path").cast("string"));
      }
      ids.add(concat(lit(ds.path() + "#" + tag), monotonically_increasing_id().cast("string")));
      boolean indices = ds.labelsAreIndices();
      Column label = lit(null).cast("string");
      if (t.labelColumn() != null) {
        StructField lf = field(schema, t.labelColumn(), "dataset.label-column");
        if (lf.dataType() instanceof IntegralType) {
          indices = true;
        } else if (!(lf.dataType() instanceof org.apache.spark.sql.types.StringType)) {
          throw ConfigError.of("dataset.label-column", t.labelColumn(), "a string (class name) or integer (class "
              + "index) column, but it is " + lf.dataType().simpleString());
        }
        label = col(t.labelColumn()).cast("string");
      }
      return new TableView(new Column[] {coalesce(ids.toArray(new Column[0])).as("path"), label.as("label"),
          lit(-1L).as("length"), lit(-1L).as("modified"), col(content).as(CONTENT)}, indices);
    }
  }

  private static boolean isImageColumn(DataType type) {
    if (type instanceof BinaryType) {
      return true;
    }
    if (type instanceof StructType s) {
      for (StructField f : s.fields()) {
        if (f.name().equals("bytes") && f.dataType() instanceof BinaryType) {
          return true;
        }
      }
    }
    return false;
  }

  private static String onlyImageColumn(StructType schema, ScoreConfig.Dataset ds) {
    List<String> found = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (isImageColumn(f.dataType())) {
        found.add(f.name());
      }
    }
    if (found.size() != 1) {
      throw ConfigError.of("dataset.content-column", null, "the column of " + ds.path() + " that holds the images "
          + "(binary, or a struct with a binary 'bytes' field): " + (found.isEmpty() ? "the table has none, its "
          + "columns are " + schema.simpleString() : "it has several: " + found));
    }
    return found.get(0);
  }

  private static StructField field(StructType schema, String name, String key) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw ConfigError.of(key, name, "a column of the table, which has " + Arrays.toString(schema.fieldNames()));
  }

  private static TreeSet<String> distinctLabels(Dataset<Row> images) {
    TreeSet<String> labels = new TreeSet<>();
    for (Row r : images.select("label").where(col("label").isNotNull()).distinct().collectAsList()) {
      labels.add(r.getString(0));
    }
    return labels;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
