package io.litescore.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Ranks (run, model) scores against each other: accuracy, top-5, mean class accuracy and images per second rank
 * higher-is-better, parameters and model size lower-is-better; the Pareto front is taken on top-1 accuracy and
 * images per second.
 */
public final class Comparison {
  private Comparison() {}

  public static List<ComparisonRow> of(List<ModelScore> scores) {
    Integer[] top1 = rank(scores, ModelScore::top1, true);
    Integer[] top5 = rank(scores, ModelScore::top5, true);
    Integer[] mean = rank(scores, ModelScore::meanClassAccuracy, true);
    Integer[] speed = rank(scores, ModelScore::imagesPerSecond, true);
    Integer[] params = rank(scores, ModelScore::params, false);
    Integer[] bytes = rank(scores, ModelScore::modelBytes, false);
    boolean[] front = ParetoFront.maximising(scores.stream().map(ModelScore::imagesPerSecond).toList(),
        scores.stream().map(ModelScore::top1).toList());
    List<ComparisonRow> rows = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      rows.add(new ComparisonRow(scores.get(i), front[i], top1[i], top5[i], mean[i], speed[i], params[i],
          bytes[i]));
    }
    return rows;
  }

  private static Integer[] rank(List<ModelScore> scores, Function<ModelScore, ? extends Number> column,
      boolean higherIsBetter) {
    List<Number> values = new ArrayList<>();
    for (ModelScore s : scores) {
      values.add(column.apply(s));
    }
    return Ranking.ranks(values, higherIsBetter);
  }
}
