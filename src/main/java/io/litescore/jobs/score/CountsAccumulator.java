package io.litescore.jobs.score;

import io.litescore.metrics.PredictionCounts;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/**
 * Each model's {@link PredictionCounts}, counted by the tasks that write the predictions, so a run's metrics need
 * no second pass over what it wrote. Spark merges a result task's accumulator updates once per partition (retried
 * and speculative attempts are not counted twice), and the predictions are written by the result stage.
 */
public final class CountsAccumulator extends AccumulatorV2<CountsAccumulator.Count, Map<String, PredictionCounts>> {
  /** One prediction row's contribution. */
  record Count(String model, Integer labelIndex, Integer predIndex, Boolean top5, boolean error) {}

  private Map<String, PredictionCounts> counts = new HashMap<>();

  @Override
  public boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public AccumulatorV2<Count, Map<String, PredictionCounts>> copy() {
    CountsAccumulator c = new CountsAccumulator();
    counts.forEach((m, pc) -> c.counts.put(m, new PredictionCounts().addAll(pc)));
    return c;
  }

  @Override
  public void reset() {
    counts = new HashMap<>();
  }

  @Override
  public void add(Count c) {
    counts.computeIfAbsent(c.model(), k -> new PredictionCounts())
        .add(c.labelIndex(), c.predIndex(), c.top5(), c.error(), 1);
  }

  @Override
  public void merge(AccumulatorV2<Count, Map<String, PredictionCounts>> other) {
    other.value().forEach((m, pc) -> counts.merge(m, new PredictionCounts().addAll(pc), PredictionCounts::addAll));
  }

  @Override
  public Map<String, PredictionCounts> value() {
    return counts;
  }
}
