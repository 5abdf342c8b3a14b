package io.litescore.jobs.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.litescore.compare.ComparisonRow;
import io.litescore.config.ConfigError;
import io.litescore.testing.CompareFixture;
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

/** The compare job on two runs of the colour fixture, whose every prediction is known (see {@link CompareFixture}). */
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
    assertThat(F.result.thumbnails()).isEqualTo(5);
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

  static String dataOf(String html) {
    Matcher m = Pattern.compile("<script type=\"application/json\" id=\"litescore-data\">(.*?)</script>",
        Pattern.DOTALL).matcher(html);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
