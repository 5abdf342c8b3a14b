package io.litescore.jobs.score.stream;

import com.google.gson.Gson;
import io.litescore.io.HadoopFiles;
import io.litescore.io.SerializableHadoopConf;
import io.litescore.jobs.score.FileWalker;
import io.litescore.jobs.score.ImageListing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.ReadMaxFiles;
import org.apache.spark.sql.connector.read.streaming.SupportsTriggerAvailableNow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The micro-batch stream of {@link ImageFileSource}. Offsets are positions in the list of files found so far; that
 * list lives in the checkpoint folder Spark gives the source ({@code <checkpoint>/sources/<n>/files/<first index>},
 * one file per listing that found something, written before the offset that covers it), so a restarted query
 * replays a batch with exactly the files it had. Each {@code latestOffset} lists the folder once (with
 * {@code Trigger.AvailableNow}, once per query start) and appends what is new.
 */
final class ImageFileStream implements MicroBatchStream, SupportsTriggerAvailableNow {
  static final StructType SCHEMA = ImageListing.SCHEMA;

  /** Images per input partition: a few seconds of scoring per task. */
  static final int IMAGES_PER_PARTITION = 256;

  private static final Gson GSON = new Gson();

  /** One listed file. */
  record Entry(String path, long length, long modified) implements Serializable {
    String key() {
      return path + '\u0000' + length + '\u0000' + modified;
    }
  }

  private final String root;
  private final boolean imageFolder;
  private final List<String> extensions;
  private final long maxFiles;
  private final Path log;
  private final Configuration conf;
  private final List<Entry> entries = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private long frozen = -1;

  ImageFileStream(CaseInsensitiveStringMap options, String checkpointLocation) {
    SparkSession spark = SparkSession.active();
    this.conf = spark.sparkContext().hadoopConfiguration();
    String path = options.get("path");
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("Cannot stream images: option path is not set");
    }
    try {
      this.root = HadoopFiles.qualify(path, conf).replaceAll("/+$", "");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stream images from " + path + ": " + e.getMessage(), e);
    }
    this.imageFolder = !"unlabeled".equalsIgnoreCase(options.getOrDefault("layout", "imagefolder"));
    this.extensions = Arrays.stream(options.getOrDefault("extensions", "jpg,jpeg,png").split(","))
        .map(String::strip).filter(s -> !s.isEmpty()).toList();
    this.maxFiles = Long.parseLong(options.getOrDefault("maxFilesPerTrigger", "0"));
    this.log = new Path(HadoopFiles.path(checkpointLocation), "files");
    restore();
  }

  // ---- offsets ----

  @Override
  public Offset initialOffset() {
    return new Position(0);
  }

  @Override
  public Offset deserializeOffset(String json) {
    return new Position(Long.parseLong(json.strip()));
  }

  @Override
  public Offset latestOffset() {
    throw new UnsupportedOperationException("latestOffset(start, limit) is the one to call");
  }

  @Override
  public ReadLimit getDefaultReadLimit() {
    return maxFiles > 0 ? ReadLimit.maxFiles((int) Math.min(Integer.MAX_VALUE, maxFiles)) : ReadLimit.allAvailable();
  }

  @Override
  public synchronized Offset latestOffset(Offset start, ReadLimit limit) {
    if (frozen < 0) {
      discover();
    }
    long from = start == null ? 0 : ((Position) start).index;
    long end = frozen >= 0 ? frozen : entries.size();
    if (limit instanceof ReadMaxFiles m) {
      end = Math.min(end, from + m.maxFiles());
    }
    return new Position(Math.max(from, end));
  }

  /** {@code Trigger.AvailableNow}: list once now; the query ends when what this listing found is scored. */
  @Override
  public synchronized void prepareForTriggerAvailableNow() {
    discover();
    frozen = entries.size();
  }

  @Override
  public InputPartition[] planInputPartitions(Offset start, Offset end) {
    int from = (int) ((Position) start).index;
    int to = (int) ((Position) end).index;
    List<Entry> batch;
    synchronized (this) {
      if (to > entries.size()) {
        throw new IllegalStateException("Cannot plan files " + from + ".." + to + ": the source's log under " + log
            + " holds " + entries.size() + " (was the checkpoint folder changed?)");
      }
      batch = new ArrayList<>(entries.subList(from, to));
    }
    int parallelism = SparkSession.active().sparkContext().defaultParallelism();
    int parts = (int) Math.min(batch.size(), Math.max(parallelism,
        (batch.size() + IMAGES_PER_PARTITION - 1) / IMAGES_PER_PARTITION));
    List<InputPartition> out = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      int a = (int) ((long) batch.size() * p / parts);
      int b = (int) ((long) batch.size() * (p + 1) / parts);
      out.add(new Files(List.copyOf(batch.subList(a, b)), imageFolder ? root + "/" : null));
    }
    return out.toArray(new InputPartition[0]);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new Reader();
  }

  @Override
  public void commit(Offset end) {}

  @Override
  public void stop() {}

  // ---- the log of files found ----

  /** Lists the folder and appends the files never seen (by path, size and modification time) to the log. */
  private void discover() {
    List<Entry> found = new ArrayList<>();
    try {
      Iterator<Row> it = new FileWalker(extensions, new SerializableHadoopConf(conf)).call(root);
      while (it.hasNext()) {
        Row r = it.next();
        Entry e = new Entry(r.getString(0), r.getLong(1), r.getLong(2));
        if (!seen.contains(e.key())) {
          found.add(e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + root + ": " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      return;
    }
    found.sort((a, b) -> a.path().compareTo(b.path()));
    write(entries.size(), found);
    for (Entry e : found) {
      entries.add(e);
      seen.add(e.key());
    }
  }

  private void write(long first, List<Entry> found) {
    try {
      FileSystem fs = log.getFileSystem(conf);
      fs.mkdirs(log);
      Path tmp = new Path(log, "." + first + "-" + UUID.randomUUID() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        StringBuilder s = new StringBuilder();
        for (Entry e : found) {
          s.append(GSON.toJson(e)).append('\n');
        }
        out.write(s.toString().getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(tmp, new Path(log, Long.toString(first)))) {
        throw new IOException("rename of " + tmp + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the source's file log " + log + ": " + e.getMessage(), e);
    }
  }

  /** Reads the log back: the files found by earlier runs, in the order they were found. */
  private void restore() {
    try {
      FileSystem fs = log.getFileSystem(conf);
      if (!fs.exists(log)) {
        return;
      }
      TreeMap<Long, Path> chunks = new TreeMap<>();
      for (FileStatus s : fs.listStatus(log)) {
        String n = s.getPath().getName();
        if (n.matches("\\d+")) {
          chunks.put(Long.parseLong(n), s.getPath());
        }
      }
      for (var c : chunks.entrySet()) {
        if (c.getKey() != entries.size()) {
          throw new IllegalStateException("Cannot restore the source's file log " + log + ": chunk " + c.getKey()
              + " follows " + entries.size() + " files");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(c.getValue()),
            StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (!line.isBlank()) {
              Entry e = GSON.fromJson(line, Entry.class);
              entries.add(e);
              seen.add(e.key());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the source's file log " + log + ": " + e.getMessage(), e);
    }
  }

  /** Files seen so far (tests). */
  synchronized int size() {
    return entries.size();
  }

  // ---- offsets, partitions, readers ----

  /** A position in the file log. */
  static final class Position extends Offset {
    final long index;

    Position(long index) {
      this.index = index;
    }

    @Override
    public String json() {
      return Long.toString(index);
    }
  }

  /** One task's files; {@code rootPrefix} (ImageFolder) gives each its label. */
  record Files(List<Entry> entries, String rootPrefix) implements InputPartition {}

  /** Turns a partition's files into rows. */
  static final class Reader implements PartitionReaderFactory {
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      Files files = (Files) partition;
      Iterator<Entry> it = files.entries().iterator();
      return new PartitionReader<>() {
        private Entry current;

        @Override
        public boolean next() {
          current = it.hasNext() ? it.next() : null;
          return current != null;
        }

        @Override
        public InternalRow get() {
          String label = files.rootPrefix() == null ? null : ImageListing.labelOf(files.rootPrefix(), current.path());
          return new GenericInternalRow(new Object[] {UTF8String.fromString(current.path()),
              label == null ? null : UTF8String.fromString(label), current.length(), current.modified()});
        }

        @Override
        public void close() {}
      };
    }
  }
}
