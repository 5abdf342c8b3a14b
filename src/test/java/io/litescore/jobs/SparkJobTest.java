package io.litescore.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litescore.testing.SharedSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The steps a job runs side by side, and the settings of a scoring write. */
class SparkJobTest {
  private static final String CONCURRENT_WRITERS = "spark.sql.maxConcurrentOutputFileWriters";
  private static final String CODEGEN_FACTORY = "spark.sql.codegen.factoryMode";

  /** The physical plans of the writes {@code write} runs under {@link SparkJob#scoringWrite}. */
  private static List<String> plansOfScoringWrite(SparkSession spark, Runnable write) throws Exception {
    List<String> plans = new ArrayList<>();
    QueryExecutionListener listener = new QueryExecutionListener() {
      @Override
      public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
        synchronized (plans) {
          plans.add(qe.executedPlan().toString());
        }
      }

      @Override
      public void onFailure(String funcName, QueryExecution qe, Exception exception) {}
    };
    spark.listenerManager().register(listener);
    try {
      new SparkJob(spark, "test") {}.scoringWrite(write);
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.listenerManager().unregister(listener);
    }
    synchronized (plans) {
      return List.copyOf(plans);
    }
  }

  private static Dataset<Row> rows(SparkSession spark) {
    return spark.range(40).selectExpr("id", "concat('m', cast(id % 3 as string)) as model");
  }

  @Test
  void aScoringWriteIsNotSortedByItsPartitionsAndWritesTheSameRows(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.get();
    String out = dir.resolve("out").toUri().toString();
    List<String> writers = new ArrayList<>();
    List<String> plans = plansOfScoringWrite(spark, () -> {
      writers.add(spark.conf().get(CONCURRENT_WRITERS));
      rows(spark).repartition(2).write().partitionBy("model").parquet(out);
    });
    // no sort in the plan, and none in the writer: it keeps one file open per partition value instead
    assertThat(plans).hasSize(1);
    assertThat(plans.get(0)).doesNotContain("Sort");
    assertThat(writers).containsExactly("64");
    assertThat(spark.read().parquet(out).count()).isEqualTo(40);
    assertThat(spark.read().parquet(out).select("model").distinct().count()).isEqualTo(3);
    // one file per task and model, as a sorted write makes: the rows of each task's models are interleaved
    for (String model : List.of("m0", "m1", "m2")) {
      try (var files = java.nio.file.Files.list(dir.resolve("out").resolve("model=" + model))) {
        assertThat(files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count()).isEqualTo(2);
      }
    }
    // the session's own setting is back
    assertThat(spark.conf().contains(CONCURRENT_WRITERS)).isFalse();
  }

  @Test
  void aSessionThatSetsItsConcurrentWritersKeepsThem(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.get();
    spark.conf().set(CONCURRENT_WRITERS, "0");
    try {
      String out = dir.resolve("out").toUri().toString();
      List<String> plans = plansOfScoringWrite(spark,
          () -> rows(spark).repartition(2).write().partitionBy("model").parquet(out));
      assertThat(plans).hasSize(1);
      assertThat(plans.get(0)).contains("Sort");
      assertThat(spark.conf().get(CONCURRENT_WRITERS)).isEqualTo("0");
    } finally {
      spark.conf().unset(CONCURRENT_WRITERS);
    }
  }

  /** What the scoring write's tasks saw as the codegen factory mode (written by the tasks of this JVM). */
  private static final Set<String> TASKS_SAW = ConcurrentHashMap.newKeySet();

  private static void writeRecordingTheTasksFactoryMode(SparkSession spark, String out) {
    rows(spark).repartition(2).mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>)
        it -> {
          TASKS_SAW.add(org.apache.spark.sql.internal.SQLConf.get().codegenFactoryMode().toString());
          return it;
        }, org.apache.spark.sql.Encoders.row(rows(spark).schema()))
        .write().partitionBy("model").parquet(out);
  }

  @Test
  void aScoringWritesTasksMakeTheirRowProjectionsInterpreted(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.get();
    TASKS_SAW.clear();
    new SparkJob(spark, "test") {}.scoringWrite(() ->
        writeRecordingTheTasksFactoryMode(spark, dir.resolve("out").toUri().toString()));
    assertThat(TASKS_SAW).containsExactly("NO_CODEGEN");
    assertThat(spark.read().parquet(dir.resolve("out").toUri().toString()).count()).isEqualTo(40);
    assertThat(spark.conf().contains(CODEGEN_FACTORY)).isFalse();
    // a session's own choice is kept
    spark.conf().set(CODEGEN_FACTORY, "CODEGEN_ONLY");
    try {
      TASKS_SAW.clear();
      new SparkJob(spark, "test") {}.scoringWrite(() ->
          writeRecordingTheTasksFactoryMode(spark, dir.resolve("out2").toUri().toString()));
      assertThat(TASKS_SAW).containsExactly("CODEGEN_ONLY");
    } finally {
      spark.conf().unset(CODEGEN_FACTORY);
    }
  }

  @Test
  void runsEveryStepAtTheSameTimeAndReturnsWhenAllAreDone() {
    CountDownLatch all = new CountDownLatch(3);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    Runnable step = () -> {
      threads.add(Thread.currentThread().getName());
      all.countDown();
      try {
        // each step waits for the others: only steps that run at the same time get past this
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    };
    SparkJob.inParallel(step, step, step);
    assertThat(all.getCount()).isZero();
    assertThat(threads).hasSize(3).contains(Thread.currentThread().getName());
  }

  @Test
  void aFailingStepFailsTheCallAfterTheOthersFinished() {
    AtomicBoolean slowDone = new AtomicBoolean();
    Runnable slow = () -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      slowDone.set(true);
    };
    Runnable failing = () -> {
      throw new IllegalArgumentException("Cannot write metrics: disk full");
    };
    assertThatThrownBy(() -> SparkJob.inParallel(failing, slow)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write metrics: disk full");
    assertThat(slowDone).isTrue();
  }
}
