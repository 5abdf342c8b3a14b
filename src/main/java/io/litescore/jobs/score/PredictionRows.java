package io.litescore.jobs.score;

import io.litescore.metrics.TopK;
import io.litescore.ml.PredictionColumn;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Turns the classified listing (one row per image: path, label, size, modification time, then one prediction
 * struct per model) into {@code predictions} rows, one per (image, model): the true class through the run's label
 * mapping, top-1 / top-5 correctness, the file columns, run and model. Images a model was not asked to score (an
 * incremental run) give no row for it; images whose label is no class of the model give an error row.
 */
final class PredictionRows implements FlatMapFunction<Row, Row> {
  /** What one model's rows need: its name, the dataset label to class index mapping, its output position. */
  record Model(String name, Map<String, Integer> classOf, int column) implements Serializable {}

  private final String runId;
  private final List<Model> models;
  private final int topK;
  private final boolean logits;
  /** Positions of the prediction struct's fields. */
  private final int predIndex;
  private final int predLabel;
  private final int topkIndices;
  private final int topkLabels;
  private final int topkProbs;
  private final int logitsField;
  private final int error;
  private final CountsAccumulator counts;
  /** Reused for every row of the task: each model's turn ends with build() or clear(), so it starts empty. */
  private transient Tables.RowBuilder row;

  /** @param counts where each row is counted for the run's metrics; null for none */
  PredictionRows(String runId, List<Model> models, int topK, boolean logits, CountsAccumulator counts) {
    this.runId = runId;
    this.counts = counts;
    this.models = List.copyOf(models);
    this.topK = topK;
    this.logits = logits;
    StructType s = PredictionColumn.schema(logits);
    predIndex = s.fieldIndex(PredictionColumn.PRED_INDEX);
    predLabel = s.fieldIndex(PredictionColumn.PRED_LABEL);
    topkIndices = s.fieldIndex(PredictionColumn.TOPK_INDICES);
    topkLabels = s.fieldIndex(PredictionColumn.TOPK_LABELS);
    topkProbs = s.fieldIndex(PredictionColumn.TOPK_PROBS);
    logitsField = logits ? s.fieldIndex(PredictionColumn.LOGITS) : -1;
    error = s.fieldIndex(PredictionColumn.ERROR);
  }

  @Override
  public Iterator<Row> call(Row in) {
    if (row == null) {
      row = new Tables.RowBuilder(Tables.predictions(logits));
    }
    List<Row> out = new ArrayList<>(models.size());
    String path = in.getString(ImageListing.PATH);
    String label = in.isNullAt(ImageListing.LABEL) ? null : in.getString(ImageListing.LABEL);
    long length = in.getLong(ImageListing.LENGTH);
    long modified = in.getLong(ImageListing.MODIFIED);
    for (Model m : models) {
      Row p = in.isNullAt(m.column()) ? null : in.getStruct(m.column());
      Integer labelIndex = label == null ? null : m.classOf().get(label);
      row.set("path", path).set("run_id", runId).set("model", m.name())
          .set("file_size", length < 0 ? null : length)
          .set("file_modified", modified < 0 ? null : new Timestamp(modified));
      if (ImageListing.NO_CLASS_FOLDER.equals(label)) {
        out.add(failed(m, row.set("error", "file is directly under the dataset root, not in a <label>/ folder")));
        continue;
      }
      row.set("label", label).set("label_index", labelIndex);
      if (label != null && labelIndex == null) {
        out.add(failed(m, row.set("error", "label '" + label + "' is not a class of model " + m.name())));
        continue;
      }
      if (p == null) {
        row.clear(); // not asked to score this image (incremental run): no row
        continue;
      }
      if (!p.isNullAt(error)) {
        out.add(failed(m, row.set("error", p.getString(error))));
        continue;
      }
      List<Integer> indices = p.getList(topkIndices);
      int k = Math.min(topK, indices.size());
      int top1 = p.getInt(predIndex);
      row.set(PredictionColumn.PRED_INDEX, top1)
          .set(PredictionColumn.PRED_LABEL, p.getString(predLabel))
          .set(PredictionColumn.TOPK_INDICES, head(p, topkIndices, k))
          .set(PredictionColumn.TOPK_LABELS, head(p, topkLabels, k))
          .set(PredictionColumn.TOPK_PROBS, head(p, topkProbs, k));
      Boolean top5 = null;
      if (labelIndex != null) {
        top5 = indices.subList(0, Math.min(TopK.TOP5, indices.size())).contains(labelIndex);
        row.set("correct_top1", top1 == labelIndex).set("correct_top5", top5);
      }
      if (counts != null) {
        counts.add(new CountsAccumulator.Count(m.name(), labelIndex, top1, top5, false));
      }
      if (logits) {
        row.set(PredictionColumn.LOGITS, p.get(logitsField));
      }
      out.add(row.build());
    }
    return out.iterator();
  }

  private Row failed(Model m, Tables.RowBuilder row) {
    if (counts != null) {
      counts.add(new CountsAccumulator.Count(m.name(), null, null, null, true));
    }
    return row.build();
  }

  private static scala.collection.Seq<Object> head(Row p, int field, int k) {
    List<Object> values = p.getList(field);
    return scala.jdk.javaapi.CollectionConverters.asScala(values.size() == k ? values : values.subList(0, k));
  }
}
