package io.litescore.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ranks, the Pareto front, confusion counts, the comparison rows, agreement, confidence bins, disagreement ranks and
 * prediction drift, on hand-made numbers.
 */
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

  @Test
  void agreementCountsKappaAndTopFiveOverlap() {
    // 10 common images. First model: a 5, b 3, c 2; second: a 4, b 4, c 2; both a on 3, both b on 2, both c on 1.
    PairAgreement p = PairAgreement.builder()
        .first("a", 5, 3, 4.0).first("b", 3, 2, 2.5).first("c", 1, 1, 1.0).first("c", 1, 0, 0.5)
        .second("a", 4).second("b", 4).second("c", 2)
        .build();
    assertThat(p.common()).isEqualTo(10);
    assertThat(p.agreed()).isEqualTo(6);
    assertThat(p.changed()).isEqualTo(4);
    assertThat(p.top1Agreement()).isEqualTo(0.6);
    assertThat(p.top5Overlap()).isEqualTo(0.8); // (4 + 2.5 + 1 + 0.5) / 10
    // chance agreement: 0.5 * 0.4 + 0.3 * 0.4 + 0.2 * 0.2 = 0.36; kappa = (0.6 - 0.36) / 0.64
    assertThat(p.cohenKappa()).isCloseTo(0.375, within(1e-12));
    assertThat(p.firstCounts()).containsExactly(entry("a", 5L), entry("b", 3L), entry("c", 2L));
    assertThat(p.agreedCounts()).containsExactly(entry("a", 3L), entry("b", 2L), entry("c", 1L));
    PairAgreement q = p.swapped();
    assertThat(q.firstCounts()).isEqualTo(p.secondCounts());
    assertThat(q.cohenKappa()).isCloseTo(0.375, within(1e-12));

    // full agreement with spread classes: kappa 1; as often as chance: kappa 0; one class on both sides: undefined
    assertThat(PairAgreement.builder().first("a", 2, 2, 2).first("b", 2, 2, 2).second("a", 2).second("b", 2)
        .build().cohenKappa()).isEqualTo(1.0);
    assertThat(PairAgreement.builder().first("a", 2, 1, 0).first("b", 2, 1, 0).second("a", 2).second("b", 2)
        .build().cohenKappa()).isEqualTo(0.0);
    assertThat(PairAgreement.builder().first("a", 3, 3, 3).second("a", 3).build().cohenKappa()).isNull();
    PairAgreement none = PairAgreement.builder().build();
    assertThat(none.common()).isZero();
    assertThat(none.top1Agreement()).isNull();
    assertThat(none.top5Overlap()).isNull();
    assertThat(none.cohenKappa()).isNull();

    assertThatThrownBy(() -> PairAgreement.builder().first("a", 2, 0, 0).second("a", 3).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 common images, the second 3");
    assertThatThrownBy(() -> PairAgreement.builder().first("a", 2, 2, 0).second("b", 2).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class a agreed on 2");
    assertThatThrownBy(() -> PairAgreement.builder().first("a", 2, 3, 0))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(PairAgreement.top5Overlap(List.of(1, 2, 3, 4, 5, 6), List.of(6, 5, 4, 3, 9))).isEqualTo(0.6);
    assertThat(PairAgreement.top5Overlap(List.of("red", "green"), List.of("red", "blue"))).isEqualTo(0.5);
    assertThat(PairAgreement.top5Overlap(List.of(1, 2, 3), List.of(3, 2, 1, 7, 8))).isEqualTo(1.0); // 3 of 3
    assertThat(PairAgreement.top5Overlap(List.of(), List.of(1))).isZero();
  }

  @Test
  void confidenceHistogramBinsOverZeroToOne() {
    assertThat(ConfidenceHistogram.bin(0.0, 20)).isZero();
    assertThat(ConfidenceHistogram.bin(0.0499, 20)).isZero();
    assertThat(ConfidenceHistogram.bin(0.05, 20)).isEqualTo(1); // lower edges belong to their bin
    assertThat(ConfidenceHistogram.bin(0.7654, 20)).isEqualTo(15);
    assertThat(ConfidenceHistogram.bin(0.999, 20)).isEqualTo(19);
    assertThat(ConfidenceHistogram.bin(1.0, 20)).isEqualTo(19); // the last bin is closed
    assertThat(ConfidenceHistogram.bin(0.5, 4)).isEqualTo(2);
    // probabilities are floats: the float nearest 0.35 lies just below it, in bin 6
    assertThat(ConfidenceHistogram.bin(0.35f, 20)).isEqualTo(6);

    ConfidenceHistogram h = ConfidenceHistogram.of(4, 0.1, 0.2, 0.3, 0.99, 1.0, 0.5, Double.NaN, 1.5, -0.1);
    assertThat(h.counts()).containsExactly(2, 1, 1, 2); // NaN and values outside [0, 1] are left out
    assertThat(h.total()).isEqualTo(6);
    assertThat(h.shares()).containsExactly(2 / 6.0, 1 / 6.0, 1 / 6.0, 2 / 6.0);
    assertThat(h.lower(1)).isEqualTo(0.25);
    assertThat(h.upper(3)).isEqualTo(1.0);
    assertThat(ConfidenceHistogram.empty(20).add(19, 3).add(19, 2).counts()[19]).isEqualTo(5);
    assertThat(ConfidenceHistogram.empty(3).shares()).containsExactly(0.0, 0.0, 0.0);
    assertThatThrownBy(() -> ConfidenceHistogram.empty(20).add(20, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfidenceHistogram.empty(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void disagreementsRankByDistinctClassesThenMajorityShareThenConfidence() {
    Disagreement three = Disagreement.of("p3", List.of(vote("cat", 0.9), vote("dog", 0.6), vote("fox", 0.95)));
    assertThat(three.distinct()).isEqualTo(3);
    assertThat(three.majorityVotes()).isEqualTo(1);
    assertThat(three.majorityLabel()).isEqualTo("fox"); // tie of one vote each: the highest probability
    Disagreement sureTwoToOne = Disagreement.of("p1", List.of(vote("cat", 0.9), vote("dog", 0.9), vote("cat", 0.9)));
    Disagreement unsureTwoToOne = Disagreement.of("p2",
        List.of(vote("dog", 0.4), vote("cat", 0.5), vote("dog", 0.3)));
    assertThat(unsureTwoToOne.majorityLabel()).isEqualTo("dog");
    assertThat(unsureTwoToOne.majorityShare().value()).isEqualTo(2.0 / 3);
    assertThat(unsureTwoToOne.meanConfidence()).isCloseTo(0.4, within(1e-12));
    // two votes against two: a lower majority share than two against one, whatever the confidence
    Disagreement even = Disagreement.of("p4", List.of(vote("dog", 0.99), vote("cat", 0.99), vote("cat", 0.99),
        vote("dog", 0.99)));
    assertThat(even.majorityLabel()).isEqualTo("cat"); // equal votes, equal probability: alphabetical
    Disagreement tieWithSure = Disagreement.of("p0", List.of(vote("cat", 0.9), vote("dog", 0.9), vote("cat", 0.9)));
    Disagreement agreed = Disagreement.of("p5", List.of(vote("cat", 0.2), vote("cat", 0.3)));
    Disagreement alone = Disagreement.of("p6", List.of(vote("cat", 0.1)));
    assertThat(agreed.disagreed()).isFalse();
    assertThat(alone.disagreed()).isFalse();
    assertThat(even.disagreed()).isTrue();

    List<Disagreement> ranked = new java.util.ArrayList<>(List.of(agreed, sureTwoToOne, even, unsureTwoToOne, three,
        tieWithSure, alone));
    ranked.sort(Disagreement.MOST_FIRST);
    assertThat(ranked).extracting(Disagreement::path).containsExactly("p3", "p4", "p2", "p0", "p1", "p6", "p5");
    // exact fractions: 2 of 3 equals 4 of 6
    assertThat(new Disagreement.Rational(2, 3)).isEqualByComparingTo(new Disagreement.Rational(4, 6));
    assertThatThrownBy(() -> Disagreement.of("x", List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void driftCountsSharesMovesAndTotalVariation() {
    // earlier run: 10 images, a 5, b 3, c 2; later run: 8 images, a 2, b 4, d 2; common 6:
    // a->a 2, a->b 2, b->b 1, c->d 1
    PairAgreement common = PairAgreement.builder()
        .first("a", 4, 2, 0).first("b", 1, 1, 0).first("c", 1, 0, 0)
        .second("a", 2).second("b", 3).second("d", 1)
        .build();
    PredictionDrift d = PredictionDrift.of(Map.of("a", 5L, "b", 3L, "c", 2L), Map.of("a", 2L, "b", 4L, "d", 2L),
        common);
    assertThat(d.imagesFrom()).isEqualTo(10);
    assertThat(d.imagesTo()).isEqualTo(8);
    assertThat(d.common().changed()).isEqualTo(3);
    assertThat(d.changedShare()).isEqualTo(0.5);
    // shares 0.5/0.3/0.2/0 -> 0.25/0.5/0/0.25: deltas -0.25, +0.2, -0.2, +0.25; |delta| order, ties by label
    assertThat(d.classes()).extracting(PredictionDrift.ClassShift::label).containsExactly("a", "d", "b", "c");
    PredictionDrift.ClassShift a = d.classes().get(0);
    assertThat(a.from()).isEqualTo(5);
    assertThat(a.to()).isEqualTo(2);
    assertThat(a.shareFrom()).isEqualTo(0.5);
    assertThat(a.shareTo()).isEqualTo(0.25);
    assertThat(a.shareDelta()).isEqualTo(-0.25);
    assertThat(a.movedOut()).isEqualTo(2); // a->b twice
    assertThat(a.movedIn()).isZero();
    PredictionDrift.ClassShift b = d.classes().get(2);
    assertThat(b.movedOut()).isZero();
    assertThat(b.movedIn()).isEqualTo(2);
    assertThat(d.classes().get(1).movedIn()).isEqualTo(1); // c->d
    assertThat(d.totalVariation()).isCloseTo(0.45, within(1e-12)); // (0.25 + 0.2 + 0.2 + 0.25) / 2

    PredictionDrift same = PredictionDrift.of(Map.of("a", 1L, "b", 1L), Map.of("a", 2L, "b", 2L),
        PairAgreement.builder().build());
    assertThat(same.totalVariation()).isZero();
    assertThat(same.changedShare()).isNull(); // no common image
    assertThat(PredictionDrift.of(Map.of(), Map.of("a", 1L), PairAgreement.builder().build()).totalVariation())
        .isNull();
    // exact ties: 3 of 5 - 2 of 5 and 0 of 5 - 1 of 5 are both 1/5 (in doubles 0.19999999999999996 and 0.2)
    PredictionDrift tie = PredictionDrift.of(Map.of("red", 2L, "green", 1L, "blue", 2L),
        Map.of("red", 2L, "blue", 3L), PairAgreement.builder().build());
    assertThat(tie.classes()).extracting(PredictionDrift.ClassShift::label).containsExactly("blue", "green", "red");
  }

  private static Disagreement.Vote vote(String label, double confidence) {
    return new Disagreement.Vote(label, confidence);
  }

  private static ModelScore score(String name, double top1, double speed, Long params, Long bytes) {
    return new ModelScore("r", name, "/data", 100, 100, 0, top1, null, top1, speed, 100 / speed, params, bytes,
        "0".repeat(64), 8, 1, "cpu");
  }
}
