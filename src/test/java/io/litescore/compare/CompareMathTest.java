package io.litescore.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ranks, the Pareto front, confusion counts and the comparison rows, on hand-made numbers. */
class CompareMathTest {
  @Test
  void competitionRanksWithTiesAndUnknowns() {
    List<Double> acc = Arrays.asList(0.9, 0.8, 0.9, null, 0.7, Double.NaN);
    assertThat(Ranking.ranks(acc, true)).containsExactly(1, 3, 1, null, 4, null);
    List<Long> params = Arrays.asList(5L, 1L, 3L, 1L);
    assertThat(Ranking.ranks(params, false)).containsExactly(4, 1, 3, 1);
    assertThat(Ranking.ranks(List.of(), true)).isEmpty();
  }

  @Test
  void paretoFrontKeepsOnlyUndominatedPoints() {
    // speed, accuracy: A fast+bad, B slow+good, C dominated by B, D equal to B (both stay), E no accuracy
    List<Double> speed = Arrays.asList(100.0, 10.0, 8.0, 10.0, 500.0, 50.0);
    List<Double> acc = Arrays.asList(0.70, 0.90, 0.85, 0.90, null, 0.80);
    assertThat(ParetoFront.maximising(speed, acc)).containsExactly(true, true, false, true, false, true);
    // a point better on one axis and equal on the other dominates
    assertThat(ParetoFront.maximising(List.of(1.0, 2.0), List.of(0.5, 0.5))).containsExactly(false, true);
    assertThat(ParetoFront.maximising(List.of(3.0), List.of(0.1))).containsExactly(true);
    assertThatThrownBy(() -> ParetoFront.maximising(List.of(1.0), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void confusionMatrixCountsInClassIndexOrder() {
    ConfusionMatrix m = ConfusionMatrix.builder()
        .add(2, "blue", 2, "blue", 5)
        .add(0, "red", 0, "red", 3)
        .add(0, "red", 2, "blue", 1)
        .add(2, "blue", 0, "red", 2)
        .add(0, "red", 2, "blue", 1) // the same cell again adds up
        .build();
    assertThat(m.classes()).containsExactly("red", "blue"); // index 1 (green) never seen
    assertThat(m.counts()).isDeepEqualTo(new long[][] {{3, 2}, {2, 5}});
    assertThat(m.rowTotal(0)).isEqualTo(5);
    assertThat(m.total()).isEqualTo(12);
    assertThat(m.correct()).isEqualTo(8);
    assertThat(m.accuracy()).isEqualTo(8.0 / 12);
    assertThat(m.errorsInvolving(1)).isEqualTo(4);
    assertThat(ConfusionMatrix.builder().build().accuracy()).isNull();

    assertThatThrownBy(() -> ConfusionMatrix.builder().add(0, "red", 0, "red", 1).add(0, "rouge", 0, "rouge", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'red' and 'rouge'");
    assertThatThrownBy(() -> ConfusionMatrix.builder().add(0, "a", 1, "b", -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void restrictedMatrixKeepsTheClassesWithMostErrors() {
    ConfusionMatrix.Builder b = ConfusionMatrix.builder();
    String[] names = {"a", "b", "c", "d"};
    long[][] counts = {{9, 0, 0, 0}, {0, 5, 3, 0}, {0, 1, 6, 0}, {1, 0, 0, 7}};
    for (int t = 0; t < 4; t++) {
      for (int p = 0; p < 4; p++) {
        b.add(t, names[t], p, names[p], counts[t][p]);
      }
    }
    ConfusionMatrix m = b.build();
    ConfusionMatrix two = m.restrictTo(2);
    assertThat(two.classes()).containsExactly("b", "c"); // 4 errors each; a and d have 1
    assertThat(two.counts()).isDeepEqualTo(new long[][] {{5, 3}, {1, 6}});
    ConfusionMatrix three = m.restrictTo(3);
    assertThat(three.classes()).containsExactly("a", "b", "c"); // tie a/d: lower index first, kept in order
    assertThat(m.restrictTo(4)).isSameAs(m);
  }

  @Test
  void comparisonRowsCarryRanksAndTheFront() {
    List<ModelScore> scores = List.of(
        score("big", 0.91, 120.0, 3_000_000L, 12_000_000L),
        score("small", 0.85, 400.0, 500_000L, 2_000_000L),
        score("slow", 0.84, 100.0, null, 5_000_000L));
    List<ComparisonRow> rows = Comparison.of(scores);
    assertThat(rows).extracting(ComparisonRow::paretoFront).containsExactly(true, true, false);
    assertThat(rows).extracting(ComparisonRow::rankTop1).containsExactly(1, 2, 3);
    assertThat(rows).extracting(ComparisonRow::rankImagesPerSecond).containsExactly(2, 1, 3);
    assertThat(rows).extracting(ComparisonRow::rankParams).containsExactly(2, 1, null);
    assertThat(rows).extracting(ComparisonRow::rankModelBytes).containsExactly(3, 1, 2);
    List<Object> v = rows.get(1).values();
    assertThat(v).hasSameSizeAs(ComparisonRow.COLUMNS);
    assertThat(v.get(ComparisonRow.COLUMNS.indexOf("model"))).isEqualTo("small");
    assertThat(v.get(ComparisonRow.COLUMNS.indexOf("pareto_front"))).isEqualTo(true);
    assertThat(v.get(ComparisonRow.COLUMNS.indexOf("rank_top1"))).isEqualTo(2);
  }

  @Test
  void csvQuotesOnlyWhereNeeded() {
    String csv = new Csv(List.of("a", "b", "c", "d")).row(Arrays.asList("x,y", null, 0.25, true))
        .row(Arrays.asList("say \"hi\"", 3L, Double.NaN, "line\nbreak")).toString();
    assertThat(csv).isEqualTo("a,b,c,d\n\"x,y\",,0.25,true\n\"say \"\"hi\"\"\",3,,\"line\nbreak\"\n");
  }

  private static ModelScore score(String name, double top1, double speed, Long params, Long bytes) {
    return new ModelScore("r", name, "/data", 100, 100, 0, top1, null, top1, speed, 100 / speed, params, bytes,
        "0".repeat(64), 8, 1, "cpu");
  }
}
