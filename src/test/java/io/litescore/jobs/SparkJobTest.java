package io.litescore.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The steps a job runs side by side. */
class SparkJobTest {
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
