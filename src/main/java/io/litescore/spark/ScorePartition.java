package io.litescore.spark;

import io.litescore.config.ScoreConfig;
import io.litescore.image.ImageDecodeException;
import io.litescore.image.ImageDecoder;
import io.litescore.image.Preprocessing;
import io.litescore.image.RgbImage;
import io.litescore.metrics.TopK;
import io.litescore.runtime.BatchScorer;
import io.litescore.runtime.DeviceChoice;
import io.litescore.runtime.ModelCache;
import io.litescore.runtime.TensorBatch;
import io.litescore.runtime.TorchRuntime;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Scores one partition of {@link ImageListing} rows with every model of the run in one pass: each file is read
 * and decoded once, preprocessed once per distinct preprocessing (and decode mode), and the tensor is fed to every
 * model that uses it. While a batch is being scored, the next {@code runtime.prefetch} batches are read, decoded
 * and preprocessed on a helper thread, so a task's time tends to max(decode, infer) rather than their sum where
 * there are cores to spare. Models come from the executor's {@link ModelCache}; one predictor per model serves the
 * whole partition and is closed when it ends (or the task fails). Every (input row, model) yields exactly one
 * output row: a prediction, or an error with its reason.
 *
 * <p>An optional fifth input column {@code models} (array of names, incremental runs) limits a row to those
 * models.
 */
final class ScorePartition implements MapPartitionsFunction<Row, Row> {
  /**
   * Accumulators the driver reads: images done, CPU nanoseconds spent reading, decoding and preprocessing, per model
   * loads and CPU nanoseconds of inference (thread CPU time: a task preempted on a busy executor is not charged for
   * the wait; libtorch runs a one-thread model on the calling thread).
   */
  record Counters(LongAccumulator done, LongAccumulator decodeNanos, List<LongAccumulator> loads,
      List<LongAccumulator> inferNanos, List<CollectionAccumulator<String>> devices) implements Serializable {}

  /** Decoding threads shared by the tasks of this JVM; daemon, so an executor can always exit. */
  private static final ExecutorService PREFETCH = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "litescore-prefetch");
    t.setDaemon(true);
    return t;
  });

  /** Image files read by scoring tasks in this JVM (tests check that K models read each file once). */
  static final java.util.concurrent.atomic.AtomicLong FILES_READ = new java.util.concurrent.atomic.AtomicLong();

  private final String runId;
  private final List<ModelArtifact> models;
  private final ScoreConfig.Output output;
  private final long maxPixels;
  private final int threads;
  private final int prefetch;
  private final SerializableHadoopConf conf;
  private final String deviceSetting;
  private final Counters counters;

  ScorePartition(String runId, List<ModelArtifact> models, ScoreConfig.Output output, long maxPixels, int threads,
      int prefetch, SerializableHadoopConf conf, String deviceSetting, Counters counters) {
    this.runId = runId;
    this.models = List.copyOf(models);
    this.output = output;
    this.maxPixels = maxPixels;
    this.threads = threads;
    this.prefetch = prefetch;
    this.conf = conf;
    this.deviceSetting = deviceSetting;
    this.counters = counters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    if (!input.hasNext()) {
      return input;
    }
    TaskContext task = TaskContext.get();
    TorchRuntime.start(threads);
    DeviceChoice device = DeviceChoice.choose(deviceSetting, taskGpus(task), TorchRuntime.gpuCount());
    List<BatchScorer> scorers = new ArrayList<>();
    Scoring scoring = new Scoring(input, scorers);
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> scoring.close());
    }
    try {
      for (int i = 0; i < models.size(); i++) {
        ModelArtifact m = models.get(i);
        counters.devices().get(i).add(device.toString());
        ModelCache.Entry entry = ModelCache.get(m.source(), m.sha256(), () -> m.bytes().value(), threads, device);
        if (entry.loadedNow()) {
          counters.loads().get(i).add(1);
        }
        scorers.add(new BatchScorer(entry.model()));
      }
    } catch (RuntimeException | Error e) {
      scoring.close();
      throw e;
    }
    return scoring;
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** CPU time of the calling thread (wall time where the JVM cannot measure it). */
  static long cpuNanos() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  /** The GPU addresses Spark assigned this task (none in local mode without GPU resources). */
  static List<String> taskGpus(TaskContext task) {
    if (task == null) {
      return List.of();
    }
    ResourceInformation gpu = scala.jdk.javaapi.CollectionConverters.asJava(task.resources()).get("gpu");
    return gpu == null ? List.of() : List.of(gpu.addresses());
  }

  /** A tensor layout several models can share: the same preprocessing and decode mode. */
  private record Spec(Preprocessing pre, boolean fast) {
    int reduceTo() {
      return fast ? pre.resize() : 0;
    }
  }

  /** One batch of input rows, read, decoded and preprocessed: what the prefetch thread hands to the task thread. */
  private static final class Prepared {
    final List<Row> rows;
    final boolean[][] wanted; // [row][model]
    final String[] error; // [row]: why the image could not be read or decoded, else null
    final int[][] slot; // [spec][row]: position of the row's tensor in that spec's buffer, -1 when none
    final int[] filled; // [spec]: tensors in that spec's buffer
    final Buffers buffers;
    long nanos;

    Prepared(List<Row> rows, int models, int specs, Buffers buffers) {
      this.rows = rows;
      this.wanted = new boolean[rows.size()][models];
      this.error = new String[rows.size()];
      this.slot = new int[specs][rows.size()];
      this.filled = new int[specs];
      this.buffers = buffers;
    }
  }

  /** One direct buffer per spec, big enough for a batch; reused through a small pool. */
  private record Buffers(ByteBuffer[] bytes, FloatBuffer[] floats) {}

  /** Pulls batches from the input, keeps up to {@code prefetch} of them being prepared ahead; rows wait in a queue. */
  private final class Scoring implements Iterator<Row> {
    private final Iterator<Row> input;
    private final List<BatchScorer> scorers;
    private final ImageDecoder decoder = new ImageDecoder(maxPixels);
    private final List<Spec> specs = new ArrayList<>();
    private final int[] specOf = new int[models.size()];
    private final int batchRows;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private final ArrayDeque<Future<Prepared>> pending = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Buffers> pool = new ConcurrentLinkedQueue<>();
    private final ByteBuffer[] scratch = new ByteBuffer[models.size()];
    private final List<Map<String, Integer>> labelIndex = new ArrayList<>();
    private boolean closed;

    Scoring(Iterator<Row> input, List<BatchScorer> scorers) {
      this.input = input;
      this.scorers = scorers;
      int rows = 1;
      for (int i = 0; i < models.size(); i++) {
        ModelArtifact m = models.get(i);
        Spec s = new Spec(m.preprocessing(), m.spec().fastDecode());
        int at = specs.indexOf(s);
        if (at < 0) {
          at = specs.size();
          specs.add(s);
        }
        specOf[i] = at;
        rows = Math.max(rows, m.spec().batchSize());
        labelIndex.add(m.labelIndex());
      }
      batchRows = rows;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && !closed) {
        fill();
        Future<Prepared> next = pending.poll();
        if (next == null) {
          break;
        }
        Prepared p = await(next);
        fill(); // the next batches decode while this one is scored
        score(p);
        pool.add(p.buffers);
      }
      if (ready.isEmpty()) {
        close();
        return false;
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    void close() {
      if (!closed) {
        closed = true;
        for (Future<Prepared> f : pending) {
          f.cancel(false);
        }
        pending.clear();
        for (BatchScorer s : scorers) {
          s.close();
        }
      }
    }

    /** Starts preparing batches until {@code prefetch} are in flight (or, with prefetch 0, prepares one here). */
    private void fill() {
      int limit = Math.max(1, prefetch);
      while (pending.size() < limit && input.hasNext()) {
        List<Row> rows = new ArrayList<>(batchRows);
        while (rows.size() < batchRows && input.hasNext()) {
          rows.add(input.next());
        }
        Prepared p = new Prepared(rows, models.size(), specs.size(), buffers());
        FutureTask<Prepared> task = new FutureTask<>(() -> prepare(p));
        if (prefetch == 0) {
          task.run();
        } else {
          PREFETCH.execute(task);
        }
        pending.add(task);
      }
    }

    private Buffers buffers() {
      Buffers b = pool.poll();
      if (b != null) {
        return b;
      }
      ByteBuffer[] bytes = new ByteBuffer[specs.size()];
      FloatBuffer[] floats = new FloatBuffer[specs.size()];
      for (int s = 0; s < specs.size(); s++) {
        bytes[s] = TensorBatch.allocate(batchRows * specs.get(s).pre().tensorSize());
        floats[s] = bytes[s].asFloatBuffer();
      }
      return new Buffers(bytes, floats);
    }

    private Prepared await(Future<Prepared> f) {
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Cannot score: interrupted while decoding", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("Cannot score: decoding failed: " + e.getCause(), e.getCause());
      }
    }

    /** Reads, decodes (once per decode mode) and preprocesses (once per spec) every row some model wants. */
    private Prepared prepare(Prepared p) {
      long t0 = cpuNanos();
      for (int[] s : p.slot) {
        java.util.Arrays.fill(s, -1);
      }
      for (int r = 0; r < p.rows.size(); r++) {
        Row row = p.rows.get(r);
        List<String> only = row.size() > 4 && !row.isNullAt(4) ? row.getList(4) : null;
        String label = row.isNullAt(1) ? null : row.getString(1);
        boolean[] needSpec = new boolean[specs.size()];
        boolean any = false;
        for (int m = 0; m < models.size(); m++) {
          boolean w = only == null || only.contains(models.get(m).name());
          p.wanted[r][m] = w;
          if (w && !ImageListing.NO_CLASS_FOLDER.equals(label)
              && (label == null || labelIndex.get(m).containsKey(label))) {
            needSpec[specOf[m]] = true;
            any = true;
          }
        }
        if (!any) {
          continue;
        }
        String path = row.getString(0);
        try {
          if (path.isEmpty()) {
            throw new IOException("the manifest row has no path");
          }
          byte[] bytes = HadoopFiles.readAll(path, row.getLong(2), conf.get());
          FILES_READ.incrementAndGet();
          Map<Integer, RgbImage> decoded = new HashMap<>(2);
          for (int s = 0; s < specs.size(); s++) {
            if (!needSpec[s]) {
              continue;
            }
            Spec spec = specs.get(s);
            RgbImage img = decoded.get(spec.reduceTo());
            if (img == null) {
              img = decoder.decode(bytes, spec.reduceTo());
              decoded.put(spec.reduceTo(), img);
            }
            spec.pre().apply(img, p.buffers.floats()[s], p.filled[s] * spec.pre().tensorSize());
            p.slot[s][r] = p.filled[s]++;
          }
        } catch (FileNotFoundException e) {
          p.error[r] = "file not found";
        } catch (IOException e) {
          p.error[r] = "cannot read file: " + e.getMessage();
        } catch (ImageDecodeException e) {
          p.error[r] = e.getMessage();
        } catch (RuntimeException | OutOfMemoryError e) {
          p.error[r] = "cannot decode: " + e;
        }
        if (p.error[r] != null) {
          // slots are handed out in row order, so a failed row's slot is the last of its spec: give it back
          for (int s = 0; s < specs.size(); s++) {
            if (p.slot[s][r] >= 0) {
              p.filled[s] = p.slot[s][r];
              p.slot[s][r] = -1;
            }
          }
        }
      }
      p.nanos = cpuNanos() - t0;
      return p;
    }

    /** Runs every model over its rows of the batch, in chunks of its own batch size; emits one row per (row, model). */
    private void score(Prepared p) {
      counters.decodeNanos().add(p.nanos);
      int n = p.rows.size();
      for (int m = 0; m < models.size(); m++) {
        ModelArtifact model = models.get(m);
        int s = specOf[m];
        Preprocessing pre = specs.get(s).pre();
        int size = pre.tensorSize();
        List<Integer> rows = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
          if (!p.wanted[r][m]) {
            continue;
          }
          Row in = p.rows.get(r);
          String label = in.isNullAt(1) ? null : in.getString(1);
          Integer index = label == null ? null : labelIndex.get(m).get(label);
          if (ImageListing.NO_CLASS_FOLDER.equals(label)) {
            ready.add(error(model, in, null, null, "file is directly under the dataset root, not in a <label>/ folder"));
          } else if (label != null && index == null) {
            ready.add(error(model, in, label, null, "label '" + label + "' is not a class of model " + model.name()));
          } else if (p.error[r] != null) {
            ready.add(error(model, in, label, index, p.error[r]));
          } else {
            rows.add(r);
          }
        }
        if (rows.isEmpty()) {
          continue;
        }
        ByteBuffer source = p.buffers.bytes()[s];
        boolean dense = rows.size() == p.filled[s];
        for (int i = 0; dense && i < rows.size(); i++) {
          dense = p.slot[s][rows.get(i)] == i;
        }
        if (!dense) {
          // this model skips some rows its spec's other models score: gather its tensors into its own buffer
          if (scratch[m] == null) {
            scratch[m] = TensorBatch.allocate(batchRows * size);
          }
          FloatBuffer from = source.asFloatBuffer();
          FloatBuffer to = scratch[m].asFloatBuffer();
          for (int i = 0; i < rows.size(); i++) {
            int at = p.slot[s][rows.get(i)] * size;
            to.put(i * size, from.slice(at, size), 0, size);
          }
          source = scratch[m];
        }
        int chunk = model.spec().batchSize();
        long t0 = cpuNanos();
        for (int from = 0; from < rows.size(); from += chunk) {
          int k = Math.min(chunk, rows.size() - from);
          ByteBuffer view = source.duplicate().position(from * size * Float.BYTES).slice()
              .order(ByteOrder.nativeOrder());
          float[][] logits = scorers.get(m).logits(new TensorBatch(view, k, 3, pre.crop(), pre.crop()));
          for (int i = 0; i < k; i++) {
            ready.add(prediction(model, m, p.rows.get(rows.get(from + i)), logits[i]));
          }
        }
        counters.inferNanos().get(m).add(cpuNanos() - t0);
      }
      counters.done().add(n);
    }

    private Row prediction(ModelArtifact model, int m, Row in, float[] logits) {
      String label = in.isNullAt(1) ? null : in.getString(1);
      Integer labelIdx = label == null ? null : labelIndex.get(m).get(label);
      int k = Math.min(output.topK(), logits.length);
      int[] ranked = TopK.indices(logits, Math.max(k, 5));
      float[] probs = TopK.softmax(logits);
      List<Integer> idx = new ArrayList<>(k);
      List<String> names = new ArrayList<>(k);
      List<Float> prob = new ArrayList<>(k);
      for (int i = 0; i < k; i++) {
        idx.add(ranked[i]);
        names.add(name(model, ranked[i]));
        prob.add(probs[ranked[i]]);
      }
      Boolean top1 = labelIdx == null ? null : ranked[0] == labelIdx;
      Boolean top5 = labelIdx == null ? null : TopK.contains(ranked, 5, labelIdx);
      List<Object> v = new ArrayList<>(16);
      v.add(in.getString(0));
      v.add(label);
      v.add(labelIdx);
      v.add(ranked[0]);
      v.add(name(model, ranked[0]));
      v.add(seq(idx));
      v.add(seq(names));
      v.add(seq(prob));
      v.add(top1);
      v.add(top5);
      addFileColumns(v, in);
      if (output.logits()) {
        List<Float> all = new ArrayList<>(logits.length);
        for (float f : logits) {
          all.add(f);
        }
        v.add(seq(all));
      }
      v.add(null);
      v.add(runId);
      v.add(model.name());
      return RowFactory.create(v.toArray());
    }

    private static <T> scala.collection.Seq<T> seq(List<T> list) {
      return scala.jdk.javaapi.CollectionConverters.asScala(list);
    }

    private static String name(ModelArtifact model, int index) {
      return index < model.labels().size() ? model.labels().get(index) : Integer.toString(index);
    }

    private static void addFileColumns(List<Object> v, Row in) {
      v.add(in.getLong(2) < 0 ? null : in.getLong(2));
      v.add(in.getLong(3) < 0 ? null : new java.sql.Timestamp(in.getLong(3)));
    }

    private Row error(ModelArtifact model, Row in, String label, Integer labelIdx, String reason) {
      List<Object> v = new ArrayList<>(16);
      v.add(in.getString(0));
      v.add(label);
      v.add(labelIdx);
      for (int i = 0; i < 7; i++) {
        v.add(null);
      }
      addFileColumns(v, in);
      if (output.logits()) {
        v.add(null);
      }
      v.add(reason);
      v.add(runId);
      v.add(model.name());
      return RowFactory.create(v.toArray());
    }
  }
}
