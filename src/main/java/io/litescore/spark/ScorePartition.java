package io.litescore.spark;

import io.litescore.config.ScoreConfig;
import io.litescore.image.ImageDecodeException;
import io.litescore.image.ImageDecoder;
import io.litescore.image.Preprocessing;
import io.litescore.image.RgbImage;
import io.litescore.metrics.TopK;
import io.litescore.runtime.BatchScorer;
import io.litescore.runtime.DeviceChoice;
import io.litescore.runtime.TorchRuntime;
import io.litescore.runtime.ModelCache;
import io.litescore.runtime.TensorBatch;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Scores one partition of {@link ImageListing} rows with one model: read bytes, decode, preprocess, batched
 * inference, top-k. The model comes from the executor's {@link ModelCache}; one predictor serves the whole
 * partition and is closed when the partition ends (or the task fails). Every input row yields exactly one output
 * row: a prediction, or an error with its reason.
 */
final class ScorePartition implements MapPartitionsFunction<Row, Row> {
  private final String runId;
  private final ModelArtifact model;
  private final ScoreConfig.Output output;
  private final long maxPixels;
  private final int threads;
  private final SerializableHadoopConf conf;
  private final LongAccumulator done;
  private final LongAccumulator loads;
  private final String deviceSetting;
  private final CollectionAccumulator<String> devices;

  ScorePartition(String runId, ModelArtifact model, ScoreConfig.Output output, long maxPixels, int threads,
      SerializableHadoopConf conf, LongAccumulator done, LongAccumulator loads, String deviceSetting,
      CollectionAccumulator<String> devices) {
    this.runId = runId;
    this.model = model;
    this.output = output;
    this.maxPixels = maxPixels;
    this.threads = threads;
    this.conf = conf;
    this.done = done;
    this.loads = loads;
    this.deviceSetting = deviceSetting;
    this.devices = devices;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    if (!input.hasNext()) {
      return input;
    }
    TaskContext task = TaskContext.get();
    TorchRuntime.start(threads);
    DeviceChoice device = DeviceChoice.choose(deviceSetting, taskGpus(task), TorchRuntime.gpuCount());
    devices.add(device.toString());
    ModelCache.Entry entry = ModelCache.get(model.source(), model.sha256(), () -> model.bytes().value(), threads,
        device);
    if (entry.loadedNow()) {
      loads.add(1);
    }
    BatchScorer scorer = new BatchScorer(entry.model());
    Batches batches = new Batches(input, scorer);
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> batches.close());
    }
    return batches;
  }

  /** The GPU addresses Spark assigned this task (none in local mode without GPU resources). */
  static List<String> taskGpus(TaskContext task) {
    if (task == null) {
      return List.of();
    }
    ResourceInformation gpu = scala.jdk.javaapi.CollectionConverters.asJava(task.resources()).get("gpu");
    return gpu == null ? List.of() : List.of(gpu.addresses());
  }

  /** Pulls one batch at a time from the input; output rows wait in a queue. */
  private final class Batches implements Iterator<Row> {
    private final Iterator<Row> input;
    private final BatchScorer scorer;
    private final ImageDecoder decoder = new ImageDecoder(maxPixels);
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private final Preprocessing pre = model.preprocessing();
    private final int batchSize = model.spec().batchSize();
    private final float[] buffer = new float[batchSize * pre.tensorSize()];
    private boolean closed;

    Batches(Iterator<Row> input, BatchScorer scorer) {
      this.input = input;
      this.scorer = scorer;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && input.hasNext()) {
        nextBatch();
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
        scorer.close();
      }
    }

    private void nextBatch() {
      List<Row> batch = new ArrayList<>(batchSize);
      int seen = 0;
      while (batch.size() < batchSize && input.hasNext()) {
        Row r = input.next();
        seen++;
        String path = r.getString(0);
        String label = r.isNullAt(1) ? null : r.getString(1);
        if (ImageListing.NO_CLASS_FOLDER.equals(label)) {
          ready.add(error(r, null, null, "file is directly under the dataset root, not in a <label>/ folder"));
          continue;
        }
        Integer labelIndex = label == null ? null : model.labelIndex().get(label);
        if (label != null && labelIndex == null) {
          ready.add(error(r, label, null, "label '" + label + "' is not a class of model " + model.name()));
          continue;
        }
        try {
          if (path.isEmpty()) {
            throw new IOException("the manifest row has no path");
          }
          RgbImage img = decoder.decode(HadoopFiles.readAll(path, r.getLong(2), conf.get()));
          pre.apply(img, buffer, batch.size() * pre.tensorSize());
          batch.add(r);
        } catch (FileNotFoundException e) {
          ready.add(error(r, label, labelIndex, "file not found"));
        } catch (IOException e) {
          ready.add(error(r, label, labelIndex, "cannot read file: " + e.getMessage()));
        } catch (ImageDecodeException e) {
          ready.add(error(r, label, labelIndex, e.getMessage()));
        } catch (RuntimeException | OutOfMemoryError e) {
          ready.add(error(r, label, labelIndex, "cannot decode: " + e));
        }
      }
      if (!batch.isEmpty()) {
        float[][] logits = scorer.logits(new TensorBatch(buffer, batch.size(), 3, pre.crop(), pre.crop()));
        for (int i = 0; i < batch.size(); i++) {
          ready.add(prediction(batch.get(i), logits[i]));
        }
      }
      done.add(seen);
    }

    private Row prediction(Row in, float[] logits) {
      String label = in.isNullAt(1) ? null : in.getString(1);
      Integer labelIndex = label == null ? null : model.labelIndex().get(label);
      int k = Math.min(output.topK(), logits.length);
      int[] ranked = TopK.indices(logits, Math.max(k, 5));
      float[] probs = TopK.softmax(logits);
      List<Integer> idx = new ArrayList<>(k);
      List<String> names = new ArrayList<>(k);
      List<Float> p = new ArrayList<>(k);
      for (int i = 0; i < k; i++) {
        idx.add(ranked[i]);
        names.add(name(ranked[i]));
        p.add(probs[ranked[i]]);
      }
      Boolean top1 = labelIndex == null ? null : ranked[0] == labelIndex;
      Boolean top5 = labelIndex == null ? null : TopK.contains(ranked, 5, labelIndex);
      List<Object> v = new ArrayList<>(14);
      v.add(in.getString(0));
      v.add(label);
      v.add(labelIndex);
      v.add(ranked[0]);
      v.add(name(ranked[0]));
      v.add(seq(idx));
      v.add(seq(names));
      v.add(seq(p));
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

    private String name(int index) {
      return index < model.labels().size() ? model.labels().get(index) : Integer.toString(index);
    }

    private void addFileColumns(List<Object> v, Row in) {
      v.add(in.getLong(2) < 0 ? null : in.getLong(2));
      v.add(in.getLong(3) < 0 ? null : new java.sql.Timestamp(in.getLong(3)));
    }

    private Row error(Row in, String label, Integer labelIndex, String reason) {
      String path = in.getString(0);
      List<Object> v = new ArrayList<>(14);
      v.add(path);
      v.add(label);
      v.add(labelIndex);
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
