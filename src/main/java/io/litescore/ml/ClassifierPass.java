package io.litescore.ml;

import io.litescore.image.DecodeBuffers;
import io.litescore.image.ImageDecodeException;
import io.litescore.image.ImageDecoder;
import io.litescore.image.Preprocessing;
import io.litescore.image.RgbImage;
import io.litescore.io.SerializableHadoopConf;
import io.litescore.metrics.TopK;
import io.litescore.runtime.BatchScorer;
import io.litescore.runtime.DeviceChoice;
import io.litescore.runtime.ModelCache;
import io.litescore.runtime.TensorBatch;
import io.litescore.runtime.TorchRuntime;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The scoring pass behind {@link ImageClassifier}: one partition of input rows, every classifier of the pass in one
 * go. Each image is read (or taken from its column) once, decoded once per decode mode, preprocessed once per
 * distinct preprocessing, and the tensor is fed to every model that uses it. While a batch is scored, the next
 * {@code prefetch} batches are read, decoded and preprocessed on a helper thread. Models come from the executor's
 * {@link ModelCache}; one predictor per model serves the whole partition and is closed when it ends (or the task
 * fails). Every input row yields one output row: its own values followed by one prediction struct per model
 * ({@link PredictionColumn}): a prediction, an error with its reason, or null where the model was told to skip
 * the row.
 */
final class ClassifierPass implements MapPartitionsFunction<Row, Row> {
  /** Decoding threads shared by the tasks of this JVM; daemon, so an executor can always exit. */
  private static final ExecutorService PREFETCH = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "litescore-prefetch");
    t.setDaemon(true);
    return t;
  });

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Image files read by scoring tasks in this JVM (tests check that K models read each file once). */
  static final AtomicLong FILES_READ = new AtomicLong();

  /** Scoring tasks running in this JVM (see {@link #idleSlots}). */
  private static final AtomicInteger RUNNING = new AtomicInteger();

  /** Batches prepared on a helper thread because a task slot of this JVM was idle (tests, the bench). */
  static final AtomicLong HELPED = new AtomicLong();

  /**
   * How the pass runs: shared by all its models. {@code useIdleSlots} ({@code prefetch = auto}): while fewer scoring
   * tasks run in this JVM than it has task slots (the tail of a stage, or a stage with fewer tasks than cores), a task
   * prepares its next batches on helper threads, one per idle slot.
   */
  record Settings(long maxPixels, int threads, int prefetch, boolean useIdleSlots) implements Serializable {}

  private final List<ResolvedModel> models;
  private final String[] devices;
  private final int[] scoreIf;
  private final ImageInput input;
  private final Settings settings;
  private final org.apache.spark.broadcast.Broadcast<SerializableHadoopConf> conf;
  private final PassCounters counters;
  private final FlatMapFunction<Row, Row> then;

  /**
   * @param devices {@code runtime.device} per model: auto, cpu or gpu
   * @param scoreIf per model, the position of a boolean column that says whether to score the row (-1: every row)
   * @param conf the Hadoop configuration for reading files, broadcast (each executor deserialises it once); null
   *     when the rows carry their bytes
   * @param counters where to count; null for none
   * @param then applied to each output row in the task (its rows are the pass's output); null for none
   */
  ClassifierPass(List<ResolvedModel> models, String[] devices, int[] scoreIf, ImageInput input, Settings settings,
      org.apache.spark.broadcast.Broadcast<SerializableHadoopConf> conf, PassCounters counters,
      FlatMapFunction<Row, Row> then) {
    this.models = List.copyOf(models);
    this.devices = devices.clone();
    this.scoreIf = scoreIf.clone();
    this.input = input;
    this.settings = settings;
    this.conf = conf;
    this.counters = counters;
    this.then = then;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return rows;
    }
    TaskContext task = TaskContext.get();
    List<String> gpus = taskGpus(task);
    boolean gpuWanted = false;
    for (String d : devices) {
      gpuWanted |= d.equals("gpu") || (d.equals("auto") && !gpus.isEmpty());
    }
    // CUDA devices matter only to a task Spark gave GPUs; asking starts libtorch
    int cudaGpus = gpus.isEmpty() ? 0 : TorchRuntime.gpuCount(settings.threads(), gpuWanted);
    List<BatchScorer> scorers = new ArrayList<>();
    try {
      for (int i = 0; i < models.size(); i++) {
        DeviceChoice device = DeviceChoice.choose(devices[i], gpus, cudaGpus);
        ModelCache.Entry entry = models.get(i).materialise(settings.threads(), device);
        if (counters != null) {
          counters.devices().get(i).add(device.toString());
          if (entry.loadedNow()) {
            counters.loads().get(i).add(1);
          }
        }
        scorers.add(new BatchScorer(entry.model()));
      }
    } catch (RuntimeException | Error e) {
      scorers.forEach(BatchScorer::close);
      throw e;
    }
    Scoring scoring = new Scoring(rows, scorers);
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> scoring.close());
    }
    return then == null ? scoring : flatMapped(scoring, then);
  }

  /** {@code f} applied to each row of {@code rows}, lazily, its outputs in order. */
  static Iterator<Row> flatMapped(Iterator<Row> rows, FlatMapFunction<Row, Row> f) {
    return new Iterator<>() {
      private Iterator<Row> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && rows.hasNext()) {
          try {
            current = f.call(rows.next());
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
        return current.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /**
   * Task slots of this JVM that no scoring task holds: {@code spark.executor.cores} (in local mode the N of
   * {@code local[N]}) over {@code spark.task.cpus}, less the scoring tasks running. Tasks of other jobs in the same
   * executor are not seen.
   */
  static int idleSlots(int slots) {
    return Math.max(0, slots - RUNNING.get());
  }

  /** The task slots of this JVM's executor (read from the running SparkEnv; 1 without one). */
  static int taskSlots() {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    if (env == null) {
      return 1;
    }
    org.apache.spark.SparkConf c = env.conf();
    int cpus = Runtime.getRuntime().availableProcessors();
    int cores = cpus;
    if (c.contains("spark.executor.cores")) {
      cores = c.getInt("spark.executor.cores", cpus);
    } else {
      java.util.regex.Matcher m = LOCAL_MASTER.matcher(c.get("spark.master", ""));
      if (m.matches()) {
        cores = m.group(1) == null ? 1 : m.group(1).equals("*") ? cpus : Integer.parseInt(m.group(1));
      }
    }
    return Math.max(1, Math.min(cores, cpus) / Math.max(1, c.getInt("spark.task.cpus", 1)));
  }

  private static final java.util.regex.Pattern LOCAL_MASTER =
      java.util.regex.Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?");

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

  /**
   * How a model's tensors are made (preprocessing, decode mode, channels-last or NCHW): models with equal specs share
   * them; specs that differ only in layout share the preprocessing ({@link Preprocessing#relayout}).
   */
  private record Spec(Preprocessing pre, boolean fast, boolean channelsLast) {
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
  private record Buffers(ByteBuffer[] bytes) {}

  /** Pulls batches from the input, keeps up to {@code prefetch} of them being prepared ahead; rows wait in a queue. */
  private final class Scoring implements Iterator<Row> {
    private final Iterator<Row> input;
    private final List<BatchScorer> scorers;
    private final ImageDecoder decoder = new ImageDecoder(settings.maxPixels());
    private final List<Spec> specs = new ArrayList<>();
    private final int[] specOf = new int[models.size()];
    private final int batchRows;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private final ArrayDeque<Future<Prepared>> pending = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Buffers> pool = new ConcurrentLinkedQueue<>();
    /** Decoding memory, one set (one per spec) per batch being prepared, reused from batch to batch. */
    private final ConcurrentLinkedQueue<DecodeBuffers[]> decodeBuffers = new ConcurrentLinkedQueue<>();
    private final ByteBuffer[] scratch = new ByteBuffer[models.size()];
    private boolean closed;
    private boolean started;
    private final int slots = settings.useIdleSlots() ? taskSlots() : 1;

    Scoring(Iterator<Row> input, List<BatchScorer> scorers) {
      this.input = input;
      this.scorers = scorers;
      RUNNING.incrementAndGet();
      int rows = 1;
      for (int i = 0; i < models.size(); i++) {
        ResolvedModel m = models.get(i);
        Spec s = new Spec(m.preprocessing(), m.spec().fastDecode(), scorers.get(i).channelsLast());
        int at = specs.indexOf(s);
        if (at < 0) {
          at = specs.size();
          specs.add(s);
        }
        specOf[i] = at;
        rows = Math.max(rows, m.spec().batchSize());
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
        // idle slots count from the second batch on: by then the other tasks of the stage have started
        started = true;
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
        RUNNING.decrementAndGet();
        for (Future<Prepared> f : pending) {
          f.cancel(false);
        }
        pending.clear();
        for (BatchScorer s : scorers) {
          s.close();
        }
      }
    }

    /**
     * Starts preparing batches until {@code prefetch} are in flight (or, with prefetch 0, prepares one here), plus one
     * on a helper thread per idle task slot of this JVM where the settings allow it.
     */
    private void fill() {
      int idle = settings.useIdleSlots() && started ? idleSlots(slots) : 0;
      boolean helpers = settings.prefetch() > 0 || idle > 0;
      int limit = Math.max(1, settings.prefetch()) + idle;
      while (pending.size() < limit && input.hasNext()) {
        List<Row> rows = new ArrayList<>(batchRows);
        while (rows.size() < batchRows && input.hasNext()) {
          rows.add(input.next());
        }
        Prepared p = new Prepared(rows, models.size(), specs.size(), buffers());
        FutureTask<Prepared> task = new FutureTask<>(() -> prepare(p));
        if (!helpers) {
          task.run();
        } else {
          if (settings.prefetch() == 0) {
            HELPED.incrementAndGet();
          }
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
      for (int s = 0; s < specs.size(); s++) {
        bytes[s] = TensorBatch.allocate(batchRows * specs.get(s).pre().tensorSize());
      }
      return new Buffers(bytes);
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
      DecodeBuffers[] reuse = decodeBuffers.poll();
      if (reuse == null) {
        reuse = new DecodeBuffers[specs.size()];
        Arrays.setAll(reuse, i -> new DecodeBuffers());
      }
      try {
        return prepare(p, reuse);
      } finally {
        decodeBuffers.add(reuse);
      }
    }

    /**
     * Decodes into {@code reuse[s]} for spec {@code s}: an image decoded for one spec and shared with a later one of
     * the same decode mode stays intact while the row is preprocessed.
     */
    private Prepared prepare(Prepared p, DecodeBuffers[] reuse) {
      long t0 = cpuNanos();
      org.apache.hadoop.conf.Configuration hadoop = conf == null ? null : conf.value().get();
      for (int[] s : p.slot) {
        Arrays.fill(s, -1);
      }
      FloatBuffer[] floats = new FloatBuffer[specs.size()];
      for (int s = 0; s < specs.size(); s++) {
        floats[s] = p.buffers.bytes()[s].asFloatBuffer();
      }
      for (int r = 0; r < p.rows.size(); r++) {
        Row row = p.rows.get(r);
        boolean[] needSpec = new boolean[specs.size()];
        boolean any = false;
        for (int m = 0; m < models.size(); m++) {
          boolean w = scoreIf[m] < 0 || (!row.isNullAt(scoreIf[m]) && row.getBoolean(scoreIf[m]));
          p.wanted[r][m] = w;
          if (w) {
            needSpec[specOf[m]] = true;
            any = true;
          }
        }
        if (!any) {
          continue;
        }
        try {
          byte[] bytes = ClassifierPass.this.input.read(row, hadoop);
          if (ClassifierPass.this.input.readsFiles()) {
            FILES_READ.incrementAndGet();
          }
          RgbImage[] decoded = new RgbImage[specs.size()];
          for (int s = 0; s < specs.size(); s++) {
            if (!needSpec[s]) {
              continue;
            }
            Spec spec = specs.get(s);
            int size = spec.pre().tensorSize();
            int same = sameButLayout(s, r, p);
            if (same >= 0) {
              // this image's tensor is already made in the other layout: reorder it instead of preprocessing again
              Preprocessing.relayout(floats[same], p.slot[same][r] * size, floats[s], p.filled[s] * size,
                  spec.pre().crop(), spec.channelsLast());
              p.slot[s][r] = p.filled[s]++;
              continue;
            }
            RgbImage img = null;
            for (int o = 0; o < s && img == null; o++) {
              if (decoded[o] != null && specs.get(o).reduceTo() == spec.reduceTo()) {
                img = decoded[o];
              }
            }
            if (img == null) {
              img = decoder.decode(bytes, spec.reduceTo(), reuse[s]);
            }
            decoded[s] = img;
            spec.pre().apply(img, floats[s], p.filled[s] * size, spec.channelsLast());
            p.slot[s][r] = p.filled[s]++;
          }
        } catch (ImageInput.NoImage e) {
          p.error[r] = e.getMessage();
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

    /** An earlier spec that made row {@code r}'s tensor with the same preprocessing in the other layout, else -1. */
    private int sameButLayout(int s, int r, Prepared p) {
      Spec spec = specs.get(s);
      for (int o = 0; o < s; o++) {
        Spec other = specs.get(o);
        if (p.slot[o][r] >= 0 && other.pre().equals(spec.pre()) && other.fast() == spec.fast()
            && other.channelsLast() != spec.channelsLast()) {
          return o;
        }
      }
      return -1;
    }

    /** Runs every model over its rows of the batch, in chunks of its own batch size; emits the rows in order. */
    private void score(Prepared p) {
      int n = p.rows.size();
      Row[][] out = new Row[models.size()][n];
      for (int m = 0; m < models.size(); m++) {
        ResolvedModel model = models.get(m);
        int s = specOf[m];
        Preprocessing pre = specs.get(s).pre();
        int size = pre.tensorSize();
        List<Integer> rows = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
          if (!p.wanted[r][m]) {
            continue;
          }
          if (p.error[r] != null) {
            out[m][r] = error(model, p.error[r]);
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
          float[][] logits = scorers.get(m).logits(new TensorBatch(view, k, 3, pre.crop(), pre.crop(),
              specs.get(s).channelsLast()));
          for (int i = 0; i < k; i++) {
            out[m][rows.get(from + i)] = prediction(model, logits[i]);
          }
        }
        if (counters != null) {
          counters.inferNanos().get(m).add(cpuNanos() - t0);
        }
      }
      for (int r = 0; r < n; r++) {
        Row in = p.rows.get(r);
        Object[] v = new Object[in.size() + models.size()];
        for (int i = 0; i < in.size(); i++) {
          v[i] = in.get(i);
        }
        for (int m = 0; m < models.size(); m++) {
          v[in.size() + m] = out[m][r];
        }
        ready.add(RowFactory.create(v));
      }
      if (counters != null) {
        counters.decodeNanos().add(p.nanos);
        counters.done().add(n);
      }
    }

    private Row prediction(ResolvedModel model, float[] logits) {
      int k = Math.min(model.topK(), logits.length);
      int[] ranked = TopK.indices(logits, k);
      float[] probs = TopK.softmax(logits);
      Integer[] idx = new Integer[k];
      String[] names = new String[k];
      Float[] prob = new Float[k];
      for (int i = 0; i < k; i++) {
        idx[i] = ranked[i];
        names[i] = model.label(ranked[i]);
        prob[i] = probs[ranked[i]];
      }
      Object[] v = new Object[model.logits() ? 7 : 6];
      v[0] = ranked[0];
      v[1] = model.label(ranked[0]);
      v[2] = seq(idx);
      v[3] = seq(names);
      v[4] = seq(prob);
      if (model.logits()) {
        Float[] all = new Float[logits.length];
        for (int i = 0; i < logits.length; i++) {
          all[i] = logits[i];
        }
        v[5] = seq(all);
      }
      return RowFactory.create(v);
    }

    private Row error(ResolvedModel model, String reason) {
      Object[] v = new Object[model.logits() ? 7 : 6];
      v[v.length - 1] = reason;
      return RowFactory.create(v);
    }
  }

  private static <T> scala.collection.Seq<T> seq(T[] values) {
    return scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(values));
  }
}
