package io.litescore.jobs.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.litescore.compare.ComparisonRow;
import io.litescore.config.ConfigError;
import io.litescore.testing.CompareFixture;
import io.litescore.testing.ShadowFixture;
import io.litescore.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The compare job on two labelled runs of the colour fixture ({@link CompareFixture}) and two unlabelled runs of a
 * candidate shadowing the current model ({@link ShadowFixture}), whose every prediction is known.
 */
class CompareJobTest {
  private static final CompareFixture F = CompareFixture.get();

  @Test
  void scoreRecordsModelSizeParametersAndRunInfo() throws Exception {
    Map<String, Row> metrics = SharedSpark.get().read().parquet(F.runs + "/metrics").where("run_id = 'r1'")
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getAs("model"), r -> r));
    assertThat(metrics.get("colours").<Long>getAs("params")).isZero(); // mean over channels: no parameter
    assertThat(metrics.get("swapped").<Long>getAs("params")).isEqualTo(12L); // Linear(3, 3)
    assertThat(metrics.get("colours").<Long>getAs("model_bytes"))
        .isEqualTo(Files.size(F.dir.resolve("models/channel_mean.pt")));
    assertThat(metrics.get("swapped").<Long>getAs("model_bytes"))
        .isEqualTo(Files.size(F.dir.resolve("models/channel_swap.pt")));

    JsonObject info = JsonParser.parseString(Files.readString(F.runs.resolve("run_info/run_id=r1/run_info.json")))
        .getAsJsonObject();
    assertThat(info.get("spark_version").getAsString()).isEqualTo(SharedSpark.get().version());
    assertThat(info.get("djl_version").getAsString()).startsWith("0.");
    assertThat(info.get("pytorch_version").getAsString()).isNotEmpty();
    assertThat(info.getAsJsonObject("config").getAsJsonArray("models")).hasSize(2);
    assertThat(info.getAsJsonObject("config").getAsJsonObject("dataset").get("path").getAsString())
        .endsWith("colours");
  }

  @Test
  void comparisonRanksModelsAndMarksThePareto() {
    List<ComparisonRow> rows = F.result.rows();
    assertThat(rows).extracting(r -> r.score().model()).containsExactly("colours", "swapped");
    ComparisonRow colours = rows.get(0);
    ComparisonRow swapped = rows.get(1);
    assertThat(colours.score().top1()).isEqualTo(0.75);
    assertThat(swapped.score().top1()).isEqualTo(3.0 / 8);
    assertThat(swapped.score().meanClassAccuracy()).isCloseTo(0.25, within(1e-12)); // red 3/4, green 0, blue 0
    assertThat(colours.rankTop1()).isEqualTo(1);
    assertThat(swapped.rankTop1()).isEqualTo(2);
    assertThat(colours.rankTop5()).isEqualTo(1);
    assertThat(swapped.rankTop5()).isEqualTo(1); // three classes: always in the top 5
    assertThat(colours.rankParams()).isEqualTo(1);
    assertThat(colours.rankModelBytes()).isEqualTo(1);
    assertThat(colours.paretoFront()).isTrue(); // the most accurate model is always on the front
    // the less accurate one is on it exactly when it is faster
    assertThat(swapped.paretoFront())
        .isEqualTo(swapped.score().imagesPerSecond() > colours.score().imagesPerSecond());

    Row parquet = SharedSpark.get().read().parquet(F.comparison + "/comparison").where("model = 'swapped'").first();
    assertThat(parquet.<Double>getAs("top1")).isEqualTo(0.375);
    assertThat(parquet.<Integer>getAs("rank_top1")).isEqualTo(2);
    assertThat(parquet.<Long>getAs("params")).isEqualTo(12L);
    assertThat(parquet.<String>getAs("model_sha256")).hasSize(64);
    assertThat(List.of(SharedSpark.get().read().parquet(F.comparison + "/comparison").columns()))
        .containsExactlyElementsOf(ComparisonRow.COLUMNS);
  }

  @Test
  void csvExportsMatchTheParquetAndTheConfusionCounts() throws Exception {
    List<String> csv = Files.readAllLines(F.comparison.resolve("comparison.csv"));
    assertThat(csv.get(0)).isEqualTo(String.join(",", ComparisonRow.COLUMNS));
    assertThat(csv).hasSize(3);
    assertThat(csv.get(1)).startsWith("r1,colours,").contains(",0.75,1.0,");
    assertThat(csv.get(2)).startsWith("r1,swapped,").contains(",0.375,1.0,0.25,");

    List<String> confusion = Files.readAllLines(F.comparison.resolve("confusion.csv"));
    assertThat(confusion.get(0)).isEqualTo("run_id,model,label,label_index,pred_label,pred_index,count");
    assertThat(confusion.subList(1, confusion.size()).stream().filter(l -> l.startsWith("r1,swapped,")))
        .containsExactly(
            "r1,swapped,red,0,red,0,3", "r1,swapped,red,0,blue,2,1",
            "r1,swapped,green,1,blue,2,2",
            "r1,swapped,blue,2,red,0,1", "r1,swapped,blue,2,green,1,1");
    assertThat(confusion.subList(1, confusion.size()).stream().filter(l -> l.startsWith("r1,colours,")))
        .containsExactly(
            "r1,colours,red,0,red,0,3", "r1,colours,red,0,green,1,1",
            "r1,colours,green,1,green,1,2",
            "r1,colours,blue,2,red,0,1", "r1,colours,blue,2,blue,2,1");

    List<String> classes = Files.readAllLines(F.comparison.resolve("class_metrics.csv"));
    assertThat(classes.get(0)).isEqualTo("run_id,model,class,class_order,support,top1,precision,recall");
    assertThat(classes).contains("r1,swapped,green,1,2,0.0,0.0,0.0", "r1,colours,green,1,2,1.0,"
        + (2.0 / 3) + ",1.0");
  }

  @Test
  void reportHoldsMisclassifiedImagesThumbnailsAndFailures() throws Exception {
    assertThat(F.result.misclassified()).isEqualTo(5);
    String html = Files.readString(F.report());
    String json = dataOf(html);
    JsonObject data = JsonParser.parseString(json).getAsJsonObject();
    var mis = data.getAsJsonArray("misclassified");
    // wrong for both models first (path order breaks ties), then for one
    assertThat(mis.asList().stream().map(e -> e.getAsJsonObject().get("name").getAsString()))
        .containsExactly("r-in-blue.png", "g-in-red.png", "b1.png", "g1.png", "g2.png");
    JsonObject first = mis.get(0).getAsJsonObject();
    assertThat(first.get("wrong").getAsInt()).isEqualTo(2);
    assertThat(first.get("scored").getAsInt()).isEqualTo(2);
    assertThat(first.get("label").getAsString()).isEqualTo("blue");
    assertThat(first.get("thumbnail").getAsString()).startsWith("data:image/png;base64,");
    var preds = first.getAsJsonArray("predictions");
    assertThat(preds).hasSize(2);
    assertThat(preds.get(0).getAsJsonObject().get("key").getAsString()).isEqualTo("colours");
    assertThat(preds.get(0).getAsJsonObject().getAsJsonArray("topLabels").get(0).getAsString()).isEqualTo("red");

    JsonObject run = data.getAsJsonArray("runs").get(0).getAsJsonObject();
    assertThat(run.get("runId").getAsString()).isEqualTo("r1");
    JsonObject failures = run.getAsJsonObject("failures");
    assertThat(failures.get("images").getAsLong()).isEqualTo(1);
    assertThat(failures.get("rows").getAsLong()).isEqualTo(2); // one per model
    assertThat(failures.getAsJsonArray("examples").get(0).getAsJsonObject().get("path").getAsString())
        .endsWith("blue/corrupt.png");
    assertThat(failures.getAsJsonArray("reasons").get(0).getAsJsonObject().get("reason").getAsString())
        .contains("not a recognised image format");
    assertThat(run.getAsJsonObject("info").get("spark_version").getAsString()).isNotEmpty();
    assertThat(run.getAsJsonArray("models").get(0).getAsJsonObject().get("source").getAsString())
        .endsWith("channel_mean.pt");

    assertThat(data.getAsJsonArray("classes").asList().stream().map(e -> e.getAsString()))
        .containsExactly("red", "green", "blue");
    assertThat(data.getAsJsonArray("confusion")).hasSize(2);
    assertThat(F.log).contains("Report: ").contains("report.html");
  }

  @Test
  void comparesSeveralRunsAndRejectsUnknownOnes() {
    Path out = F.dir.resolve("compare-all");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    CompareJob.Result all = new CompareJob(SharedSpark.get(),
        CompareJob.Options.of(List.of(F.runs.toString()), List.of(), out.toString()), new PrintStream(log))
        .run();
    assertThat(all.runIds()).containsExactly("r1", "r2");
    assertThat(all.rows()).extracting(r -> r.score().runId() + "/" + r.score().model())
        .containsExactly("r1/colours", "r1/swapped", "r2/colours");
    // the two runs of colours tie on accuracy
    assertThat(all.rows()).extracting(ComparisonRow::rankTop1).containsExactly(1, 3, 1);
    assertThat(Files.exists(out.resolve("report.html"))).isTrue();

    assertThatThrownBy(() -> new CompareJob(SharedSpark.get(),
        CompareJob.Options.of(List.of(F.runs.toString()), List.of("nope"), out.toString()), new PrintStream(log))
        .run()).isInstanceOf(ConfigError.class).hasMessageContaining("--run-id").hasMessageContaining("[nope]")
        .hasMessageContaining("[r1, r2]");
    assertThatThrownBy(() -> new CompareJob(SharedSpark.get(),
        CompareJob.Options.of(List.of(F.dir.resolve("models").toString()), List.of(), out.toString()),
        new PrintStream(log)).run()).isInstanceOf(ConfigError.class).hasMessageContaining("--runs");
  }

  @Test
  void labelledRunsGetAgreementConfidenceAndDisagreementsToo() throws Exception {
    // r1: colours and swapped agree on the four red images (r1, r2, r3, r-in-blue), not on the four others
    Row pair = SharedSpark.get().read().parquet(F.comparison + "/agreement").first();
    assertThat(pair.<String>getAs("model_a")).isEqualTo("colours");
    assertThat(pair.<String>getAs("model_b")).isEqualTo("swapped");
    assertThat(pair.<Long>getAs("common_images")).isEqualTo(8L);
    assertThat(pair.<Long>getAs("agreed")).isEqualTo(4L);
    assertThat(pair.<Double>getAs("top1_agreement")).isEqualTo(0.5);
    // colours: red 4, green 3, blue 1; swapped: red 4, blue 3, green 1; chance 22/64: kappa (32 - 22) / (64 - 22)
    assertThat(pair.<Double>getAs("cohen_kappa")).isCloseTo(10.0 / 42, within(1e-12));
    assertThat(pair.<Double>getAs("top5_overlap")).isEqualTo(1.0); // three classes: every list holds all three

    // both models disagree on the green images and b1, the blue ones (higher probabilities) last
    List<String> disagreed = SharedSpark.get().read().parquet(F.comparison + "/disagreements")
        .where("model = 'colours'").orderBy("rank").collectAsList().stream()
        .map(r -> r.<String>getAs("path").replaceAll(".*/colours/", "")).toList();
    assertThat(disagreed).containsExactly("green/g1.png", "green/nested/g2.png", "red/g-in-red.png", "blue/b1.png");
    assertThat(F.result.disagreements()).isEqualTo(4);
    assertThat(F.result.thumbnails()).isEqualTo(5 + 4);

    // every labelled run keeps its confidence: 8 scored images each, all in the top bin (ImageNet normalisation
    // of a solid colour gives 0.97-0.98)
    List<Row> bins = SharedSpark.get().read().parquet(F.comparison + "/confidence").where("images > 0")
        .orderBy("model", "bin").collectAsList();
    assertThat(bins).extracting(r -> r.<String>getAs("model") + ":" + r.<Integer>getAs("bin") + "="
        + r.<Long>getAs("images")).containsExactly("colours:19=8", "swapped:19=8");
    assertThat(SharedSpark.get().read().parquet(F.comparison + "/confidence").count()).isEqualTo(2 * 20);

    // one run: no model in two runs, an empty (but readable) drift table
    assertThat(SharedSpark.get().read().parquet(F.comparison + "/drift").count()).isZero();
    assertThat(Files.readAllLines(F.comparison.resolve("drift.csv"))).hasSize(1);
    JsonObject data = JsonParser.parseString(dataOf(Files.readString(F.report()))).getAsJsonObject();
    assertThat(data.get("labelled").getAsBoolean()).isTrue();
    assertThat(data.getAsJsonArray("agreement")).hasSize(1);
    assertThat(data.getAsJsonArray("disagreements")).hasSize(4);
    assertThat(data.getAsJsonArray("drift")).isEmpty();
  }

  @Test
  void unlabelledRunsAgreementByHand() throws Exception {
    ShadowFixture s = ShadowFixture.get();
    // comparison order: s1/candidate, s1/current, s2/current
    assertThat(s.result.rows()).extracting(r -> r.score().runId() + "/" + r.score().model())
        .containsExactly("s1/candidate", "s1/current", "s2/current");
    assertThat(s.result.rows()).allSatisfy(r -> {
      assertThat(r.score().top1()).isNull();
      assertThat(r.rankTop1()).isNull();
      assertThat(r.paretoFront()).isFalse();
    });
    Map<String, Row> pairs = SharedSpark.get().read().parquet(s.comparison + "/agreement").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("run_id_a") + "/" + r.getAs("model_a") + " ~ " + r.getAs("run_id_b")
            + "/" + r.getAs("model_b"), r -> r));
    assertThat(pairs).containsOnlyKeys("s1/candidate ~ s1/current", "s1/candidate ~ s2/current",
        "s1/current ~ s2/current");
    // s1: a, b, c, d, e scored by both (broken.png failed); same top-1 on a and b only
    Row shadow = pairs.get("s1/candidate ~ s1/current");
    assertThat(shadow.<Long>getAs("common_images")).isEqualTo(5L);
    assertThat(shadow.<Long>getAs("agreed")).isEqualTo(2L);
    assertThat(shadow.<Double>getAs("top1_agreement")).isEqualTo(0.4);
    // candidate red 2, blue 1, green 2; current red 2, green 1, blue 2: chance (4 + 2 + 2) / 25, kappa 0.08 / 0.68
    assertThat(shadow.<Double>getAs("cohen_kappa")).isCloseTo(2.0 / 17, within(1e-12));
    // top-2 lists share 1 of 2 classes on a, b, d and both on c, e
    assertThat(shadow.<Double>getAs("top5_overlap")).isCloseTo(3.5 / 5, within(1e-12));
    assertThat(shadow.<Boolean>getAs("same_model_name")).isFalse();
    assertThat(shadow.<Boolean>getAs("same_weights")).isFalse();
    // s1/current against s2/current: a, c, d, e in both; c changed
    Row rerun = pairs.get("s1/current ~ s2/current");
    assertThat(rerun.<Long>getAs("common_images")).isEqualTo(4L);
    assertThat(rerun.<Long>getAs("agreed")).isEqualTo(3L);
    assertThat(rerun.<Double>getAs("top1_agreement")).isEqualTo(0.75);
    assertThat(rerun.<Double>getAs("cohen_kappa")).isCloseTo(0.6, within(1e-12)); // chance 6/16
    assertThat(rerun.<Double>getAs("top5_overlap")).isCloseTo(3.5 / 4, within(1e-12));
    assertThat(rerun.<Boolean>getAs("same_model_name")).isTrue();
    assertThat(rerun.<Boolean>getAs("same_weights")).isTrue();
    Row across = pairs.get("s1/candidate ~ s2/current");
    assertThat(across.<Long>getAs("agreed")).isEqualTo(1L); // a only
    assertThat(across.<Double>getAs("top1_agreement")).isEqualTo(0.25);
    assertThat(across.<Double>getAs("cohen_kappa")).isCloseTo(0.0, within(1e-12)); // no better than chance
    assertThat(across.<Double>getAs("top5_overlap")).isCloseTo(2.5 / 4, within(1e-12));

    List<String> csv = Files.readAllLines(s.comparison.resolve("agreement.csv"));
    assertThat(csv.get(0)).isEqualTo("run_id_a,model_a,run_id_b,model_b,common_images,agreed,top1_agreement,"
        + "cohen_kappa,top5_overlap,same_model_name,same_weights");
    assertThat(csv).hasSize(4);
    assertThat(csv.get(3)).startsWith("s1,current,s2,current,4,3,0.75,").endsWith(",0.875,true,true");
    assertThat(s.result.agreementPairs()).isEqualTo(3);
  }

  @Test
  void unlabelledRunsConfidenceHistogramsByHand() throws Exception {
    ShadowFixture s = ShadowFixture.get();
    double current = ShadowFixture.top1(ShadowFixture.REDDISH, false, ShadowFixture.CURRENT_STD); // 0.765
    double currentAzure = ShadowFixture.top1(ShadowFixture.AZURE, false, ShadowFixture.CURRENT_STD); // 0.665
    double candidate = ShadowFixture.top1(ShadowFixture.GREENISH, true, ShadowFixture.CANDIDATE_STD); // 0.919
    double candidateAzure = ShadowFixture.top1(ShadowFixture.AZURE, true, ShadowFixture.CANDIDATE_STD); // 0.816
    // one strong channel: the same top-1 probability whatever the channel
    assertThat(ShadowFixture.top1(ShadowFixture.BLUEISH, false, ShadowFixture.CURRENT_STD))
        .isCloseTo(current, within(1e-12));
    Map<String, List<Long>> histograms = new java.util.TreeMap<>();
    for (Row r : SharedSpark.get().read().parquet(s.comparison + "/confidence").orderBy("run_id", "model", "bin")
        .collectAsList()) {
      histograms.computeIfAbsent(r.getAs("run_id") + "/" + r.getAs("model"), k -> new java.util.ArrayList<>())
          .add(r.getAs("images"));
    }
    // 20 bins of 0.05: 0.765 in bin 15, 0.665 in 13, 0.919 in 18, 0.816 in 16
    assertThat(histograms.get("s1/current")).isEqualTo(bins(13, 1, 15, 4));
    assertThat(histograms.get("s2/current")).isEqualTo(bins(13, 1, 15, 4)); // a, c, d, f and e
    assertThat(histograms.get("s1/candidate")).isEqualTo(bins(16, 1, 18, 4));
    Row bin15 = SharedSpark.get().read().parquet(s.comparison + "/confidence")
        .where("run_id = 's1' and model = 'current' and bin = 15").first();
    assertThat(bin15.<Double>getAs("lower")).isEqualTo(0.75);
    assertThat(bin15.<Double>getAs("upper")).isEqualTo(0.8);
    assertThat(bin15.<Double>getAs("share")).isEqualTo(0.8);

    Map<String, ComparisonRow> rows = s.result.rows().stream()
        .collect(Collectors.toMap(r -> r.score().runId() + "/" + r.score().model(), r -> r));
    // probabilities are floats: agreement with the double arithmetic to 1e-6
    assertThat(rows.get("s1/current").meanConfidence()).isCloseTo((4 * current + currentAzure) / 5, within(1e-6));
    assertThat(rows.get("s1/current").medianConfidence()).isCloseTo(current, within(1e-6));
    assertThat(rows.get("s1/candidate").meanConfidence()).isCloseTo((4 * candidate + candidateAzure) / 5,
        within(1e-6));
    assertThat(rows.get("s1/candidate").medianConfidence()).isCloseTo(candidate, within(1e-6));
    Row parquet = SharedSpark.get().read().parquet(s.comparison + "/comparison").where("model = 'candidate'")
        .first();
    assertThat(parquet.<Double>getAs("mean_confidence")).isEqualTo(rows.get("s1/candidate").meanConfidence());
    assertThat(parquet.<Double>getAs("top1")).isNull();
    assertThat(Files.readAllLines(s.comparison.resolve("confidence.csv")).get(0))
        .isEqualTo("run_id,model,bin,lower,upper,images,share");
  }

  @Test
  void unlabelledRunsMostDisagreedImagesByHand() throws Exception {
    ShadowFixture s = ShadowFixture.get();
    // c: three classes (candidate blue, s1 current green, s2 current red, c having changed to red);
    // e and d: two to one for blue, e with the lower probabilities; a, b, f: no disagreement
    assertThat(s.result.disagreements()).isEqualTo(3);
    List<Row> rows = SharedSpark.get().read().parquet(s.comparison + "/disagreements").orderBy("rank", "run_id",
        "model").collectAsList();
    assertThat(rows).extracting(r -> r.<Integer>getAs("rank") + " " + name(r.getAs("path")) + " "
        + r.getAs("run_id") + "/" + r.getAs("model") + " " + r.getAs("pred_label") + " "
        + r.getAs("agrees_with_majority"))
        .containsExactly(
            "1 c.png s1/candidate blue true", "1 c.png s1/current green false", "1 c.png s2/current red false",
            "2 e.png s1/candidate green false", "2 e.png s1/current blue true", "2 e.png s2/current blue true",
            "3 d.png s1/candidate green false", "3 d.png s1/current blue true", "3 d.png s2/current blue true");
    Row c = rows.get(0);
    assertThat(c.<Integer>getAs("models")).isEqualTo(3);
    assertThat(c.<Integer>getAs("distinct_top1")).isEqualTo(3);
    // one vote each: the majority is the surest, the candidate's blue
    assertThat(c.<String>getAs("majority_label")).isEqualTo("blue");
    assertThat(c.<Double>getAs("majority_share")).isCloseTo(1.0 / 3, within(1e-12));
    double candidate = ShadowFixture.top1(ShadowFixture.GREENISH, true, ShadowFixture.CANDIDATE_STD);
    double current = ShadowFixture.top1(ShadowFixture.REDDISH, false, ShadowFixture.CURRENT_STD);
    assertThat(c.<Double>getAs("mean_top1_prob")).isCloseTo((candidate + 2 * current) / 3, within(1e-6));
    assertThat(c.<Double>getAs("top1_prob")).isCloseTo(candidate, within(1e-6));
    assertThat(c.<String>getAs("label")).isNull();
    Row e = rows.get(3);
    assertThat(e.<Integer>getAs("distinct_top1")).isEqualTo(2);
    assertThat(e.<Double>getAs("majority_share")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(e.<Double>getAs("mean_top1_prob")).isCloseTo(
        (ShadowFixture.top1(ShadowFixture.AZURE, true, ShadowFixture.CANDIDATE_STD)
            + 2 * ShadowFixture.top1(ShadowFixture.AZURE, false, ShadowFixture.CURRENT_STD)) / 3, within(1e-6));
    assertThat(Files.readAllLines(s.comparison.resolve("disagreements.csv"))).hasSize(1 + 9);

    JsonObject data = JsonParser.parseString(dataOf(Files.readString(s.report()))).getAsJsonObject();
    assertThat(data.get("labelled").getAsBoolean()).isFalse();
    var cards = data.getAsJsonArray("disagreements");
    assertThat(cards.asList().stream().map(x -> x.getAsJsonObject().get("name").getAsString()))
        .containsExactly("c.png", "e.png", "d.png");
    JsonObject first = cards.get(0).getAsJsonObject();
    assertThat(first.get("thumbnail").getAsString()).startsWith("data:image/png;base64,");
    assertThat(first.get("majorityLabel").getAsString()).isEqualTo("blue");
    // c.png was rewritten between the runs, d.png and e.png were not
    assertThat(cards.asList().stream().map(x -> x.getAsJsonObject().get("fileChanged").getAsBoolean()))
        .containsExactly(true, false, false);
    var preds = first.getAsJsonArray("predictions");
    assertThat(preds.asList().stream().map(x -> x.getAsJsonObject().get("key").getAsString()))
        .containsExactly("s1/candidate", "s1/current", "s2/current");
    // each model's top-k (here 2) with probabilities
    assertThat(preds.get(1).getAsJsonObject().getAsJsonArray("topLabels").asList().stream()
        .map(x -> x.getAsString())).containsExactly("green", "blue");
    assertThat(preds.get(1).getAsJsonObject().getAsJsonArray("topProbs").get(0).getAsDouble())
        .isCloseTo(current, within(1e-6));
    assertThat(s.result.thumbnails()).isEqualTo(3); // no misclassified image without labels
    assertThat(s.result.misclassified()).isZero();
  }

  @Test
  void unlabelledRunsDriftOfOneModelBetweenRunsByHand() throws Exception {
    ShadowFixture s = ShadowFixture.get();
    List<Row> drift = SharedSpark.get().read().parquet(s.comparison + "/drift").collectAsList();
    assertThat(drift).hasSize(1); // candidate is in s1 only
    Row d = drift.get(0);
    assertThat(d.<String>getAs("model")).isEqualTo("current");
    assertThat(d.<String>getAs("run_id_from")).isEqualTo("s1");
    assertThat(d.<String>getAs("run_id_to")).isEqualTo("s2");
    assertThat(d.<Boolean>getAs("same_weights")).isTrue();
    assertThat(d.<String>getAs("model_sha256_from")).hasSize(64);
    assertThat(d.<String>getAs("dataset_to")).isEqualTo(d.<String>getAs("dataset_from"));
    assertThat(d.<Long>getAs("images_from")).isEqualTo(5L); // a, b, c, d, e
    assertThat(d.<Long>getAs("images_to")).isEqualTo(5L); // a, c, d, e, f
    assertThat(d.<Long>getAs("common_images")).isEqualTo(4L);
    assertThat(d.<Long>getAs("changed")).isEqualTo(1L); // c: green, then red
    assertThat(d.<Double>getAs("changed_share")).isEqualTo(0.25);
    // red 2, green 1, blue 2 of 5, then red 2, blue 3 of 5: (0 + 0.2 + 0.2) / 2
    assertThat(d.<Double>getAs("class_tvd")).isCloseTo(0.2, within(1e-12));

    List<Row> classes = SharedSpark.get().read().parquet(s.comparison + "/drift_classes").orderBy("shift_rank")
        .collectAsList();
    assertThat(classes).extracting(r -> r.<Integer>getAs("shift_rank") + " " + r.getAs("class") + " "
        + r.getAs("images_from") + "->" + r.getAs("images_to") + " out " + r.getAs("moved_out") + " in "
        + r.getAs("moved_in"))
        .containsExactly("1 blue 2->3 out 0 in 0", "2 green 1->0 out 1 in 0", "3 red 2->2 out 0 in 1");
    assertThat(classes.get(0).<Double>getAs("share_delta")).isCloseTo(0.2, within(1e-12));
    assertThat(classes.get(1).<Double>getAs("share_from")).isEqualTo(0.2);
    assertThat(Files.readAllLines(s.comparison.resolve("drift.csv")).get(1))
        .startsWith("current,s1,s2,").endsWith(",5,5,4,1,0.25," + d.<Double>getAs("class_tvd"));
    assertThat(Files.readAllLines(s.comparison.resolve("drift_classes.csv"))).hasSize(4);
    assertThat(s.result.drift()).isEqualTo(1);

    JsonObject data = JsonParser.parseString(dataOf(Files.readString(s.report()))).getAsJsonObject();
    JsonObject shown = data.getAsJsonArray("drift").get(0).getAsJsonObject();
    assertThat(shown.get("fromKey").getAsString()).isEqualTo("s1/current");
    assertThat(shown.get("toKey").getAsString()).isEqualTo("s2/current");
    assertThat(shown.get("changed").getAsLong()).isEqualTo(1);
    assertThat(shown.getAsJsonArray("classes")).hasSize(3);
    assertThat(data.getAsJsonArray("agreement")).hasSize(3);
    assertThat(data.getAsJsonArray("confidence")).hasSize(3);
    assertThat(data.getAsJsonArray("confusion")).isEmpty();
    assertThat(s.log).contains("3 model pairs compared, 1 drift between runs");
  }

  /** 20 bins, zero but for the two given. */
  private static List<Long> bins(int bin, long n, int other, long m) {
    Long[] counts = new Long[20];
    java.util.Arrays.fill(counts, 0L);
    counts[bin] = n;
    counts[other] = m;
    return List.of(counts);
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static String dataOf(String html) {
    Matcher m = Pattern.compile("<script type=\"application/json\" id=\"litescore-data\">(.*?)</script>",
        Pattern.DOTALL).matcher(html);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
