package io.litescore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.litescore.cli.LitescoreCliAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String MINIMAL = """
      dataset.path = /data
      models = [ { name = a, uri = /m/a.pt, labels = /m/a.labels } ]
      """;

  private static ScoreConfig parse(String extra) {
    return ConfigLoader.parse(ConfigFactory.parseString(MINIMAL + "\n" + extra));
  }

  @Test
  void defaultsApply() {
    ScoreConfig c = parse("");
    assertThat(c.run().id()).startsWith("run-");
    assertThat(c.run().output()).isEqualTo("litescore-output");
    assertThat(c.dataset().layout()).isEqualTo(ScoreConfig.Layout.IMAGEFOLDER);
    assertThat(c.dataset().extensions()).contains("jpg", "png");
    io.litescore.config.ModelSpec m = c.models().get(0);
    assertThat(m.batchSize()).isEqualTo(8);
    assertThat(m.preprocessing().resize()).isEqualTo(256);
    assertThat(m.preprocessing().crop()).isEqualTo(224);
    assertThat(c.output().topK()).isEqualTo(5);
    assertThat(c.output().logits()).isFalse();
    assertThat(c.sparkConf()).isEmpty();
  }

  @Test
  void plainJsonAndSparkConfInBothSpellings() {
    ScoreConfig c = ConfigLoader.parse(ConfigFactory.parseString("""
        {"dataset": {"path": "/d", "layout": "unlabeled"},
         "models": [{"name": "m", "uri": "/m.pt", "labels": "/l", "preprocessing": {"resize": 232}}],
         "spark-conf": {"spark.master": "local[2]", "spark": {"sql": {"shuffle": {"partitions": 4}}}}}
        """));
    assertThat(c.dataset().layout()).isEqualTo(ScoreConfig.Layout.UNLABELED);
    assertThat(c.models().get(0).preprocessing().resize()).isEqualTo(232);
    assertThat(c.models().get(0).preprocessing().crop()).isEqualTo(224);
    assertThat(c.sparkConf()).containsEntry("spark.master", "local[2]")
        .containsEntry("spark.sql.shuffle.partitions", "4");
  }

  @Test
  void overridesWinOverTheFile(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("c.conf"), MINIMAL + "run.id = fromfile\noutput.top-k = 3\n");
    ScoreConfig c = ConfigLoader.load(f.toFile(), List.of("run.id=fromset", "output.logits=true"));
    assertThat(c.run().id()).isEqualTo("fromset");
    assertThat(c.output().topK()).isEqualTo(3);
    assertThat(c.output().logits()).isTrue();
  }

  @Test
  void prefetchIsAutoOrACountAndModeIsExactOrFast() {
    ScoreConfig c = parse("");
    assertThat(c.runtime().prefetch()).isEqualTo(ScoreConfig.Runtime.PREFETCH_AUTO);
    assertThat(c.runtime().prefetchFor(1, 1)).isZero(); // every core runs a task: nothing spare to decode ahead
    assertThat(c.runtime().prefetchFor(2, 1)).isEqualTo(1);
    assertThat(parse("runtime.prefetch = 3").runtime().prefetchFor(1, 1)).isEqualTo(3);
    assertThat(c.models().get(0).fastDecode()).isFalse();
    assertThat(parse("model-defaults.preprocessing.mode = FAST").models().get(0).fastDecode()).isTrue();
    assertThatThrownBy(() -> parse("runtime.prefetch = -2")).isInstanceOf(ConfigError.class)
        .hasMessageContaining("runtime.prefetch").hasMessageContaining("auto, or a number of batches >= 0");
    assertThatThrownBy(() -> parse("model-defaults.preprocessing.mode = quick")).isInstanceOf(ConfigError.class)
        .hasMessageContaining("models[0].preprocessing.mode = \"quick\"");
  }

  @Test
  void badValuesNameKeyValueAndExpectation() {
    assertThatThrownBy(() -> parse("models = [ { name = a, uri = /a, labels = /l, batch-size = 0 } ]"))
        .isInstanceOf(ConfigError.class)
        .hasMessage("Cannot score: models[0].batch-size = 0: expected an integer >= 1");
    assertThatThrownBy(() -> parse("dataset.layout = folders"))
        .hasMessage("Cannot score: dataset.layout = \"folders\": expected one of imagefolder, manifest, unlabeled, table");
    assertThatThrownBy(() -> parse("models = [ { name = a, uri = /a, labels = /l }, { name = a, uri = /b, "
        + "labels = /l } ]"))
        .hasMessageContaining("models[1].name = \"a\": expected a name no other model in this run has");
    assertThatThrownBy(() -> parse("models = []")).hasMessageContaining("models = \"[]\": expected at least one");
    assertThatThrownBy(() -> parse("models = [ { name = a, labels = /l } ]"))
        .hasMessageContaining("models[0] = ").hasMessageContaining("expected exactly one of uri");
    assertThatThrownBy(() -> parse("models = [ { name = a, uri = /a, labels = /l, preprocessing.crop = 300 } ]"))
        .hasMessageContaining("models[0].preprocessing.crop = 300: expected at most preprocessing.resize (256)");
    assertThatThrownBy(() -> parse("models = [ { name = a, uri = /a, labels = /l, preprocessing.std = [1, 0, 1] } ]"))
        .hasMessageContaining("models[0].preprocessing.std");
    assertThatThrownBy(() -> parse("dataset.layout = manifest"))
        .hasMessageContaining("dataset.manifest = (missing)");
    assertThatThrownBy(() -> parse("run.id = \"a/b\"")).hasMessageContaining("run.id = \"a/b\"");
    assertThatThrownBy(() -> parse("output.top-k = lots")).hasMessageContaining("output.top-k = \"lots\"");
    assertThatThrownBy(() -> parse("runtime.device = tpu")).hasMessageContaining("runtime.device = \"tpu\"");
    assertThatThrownBy(() -> parse("models = [ { name = a, uri = /a, labels = /l, sha256 = abc } ]"))
        .hasMessageContaining("models[0].sha256 = \"abc\": expected 64 hexadecimal digits");
  }

  @Test
  void cliExitsWithTwoAndNamesTheKey(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("bad.conf"), MINIMAL + "dataset.partitions = -1\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = LitescoreCliAccess.run(new PrintWriter(err, true), "score", "--conf", f.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("dataset.partitions = -1: expected an integer >= 0");

    ByteArrayOutputStream err2 = new ByteArrayOutputStream();
    assertThat(LitescoreCliAccess.run(new PrintWriter(err2, true), "score", "--conf", dir.resolve("none.conf")
        .toString())).isEqualTo(2);
    assertThat(err2.toString()).contains("expected a readable config file");
  }
}
