package io.litescore.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litescore.testing.SharedSpark;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** A model's bytes where a local master's tasks run: the driver's JVM, not a broadcast. */
class ModelBytesTest {
  @Test
  void aLocalMastersTasksReadTheDriversCopyUntilItsLastHolderReleasesIt() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
    byte[] bytes = {1, 2, 3, 4, 5};
    String sha = "feedbeef-model-bytes-test";
    ModelBytes first = ModelBytes.of(jsc, sha, bytes);
    ModelBytes second = ModelBytes.of(jsc, sha, bytes.clone());

    assertThat(first).isInstanceOf(ModelBytes.InThisJvm.class);
    assertThat(ModelBytes.InThisJvm.holders(sha)).isEqualTo(2);
    // tasks get the handle serialized, and read the same bytes in this JVM
    List<String> seen = jsc.parallelize(List.of(1, 2, 3), 3)
        .map(i -> Arrays.toString(first.value()))
        .collect();
    assertThat(seen).containsOnly("[1, 2, 3, 4, 5]");

    first.release();
    assertThat(second.value()).containsExactly(1, 2, 3, 4, 5);
    second.release();
    assertThat(ModelBytes.InThisJvm.holders(sha)).isZero();
    assertThatThrownBy(first::value).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cannot load model " + sha + ": its bytes were released");
  }
}
