package io.litescore.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PassTimeAndRssCurveTest {
  @Test
  void passTimeChargesInferenceAndAShareOfDecodingAndAddsUpToTheWall() {
    // decoding 6 s, model A 1 s, model B 5 s of task time, same images: charges 4 and 8 -> 1/3 and 2/3 of 30 s
    double[] w = PassTime.split(30, 6_000_000_000L, new long[] {100, 100}, new long[] {1_000_000_000L,
        5_000_000_000L});
    assertThat(w[0]).isCloseTo(10, within(1e-9));
    assertThat(w[1]).isCloseTo(20, within(1e-9));
    // decoding shared by images: A scored 300 images, B 100
    double[] v = PassTime.split(8, 4_000_000_000L, new long[] {300, 100}, new long[] {0, 0});
    assertThat(v[0]).isCloseTo(6, within(1e-9));
    assertThat(v[1]).isCloseTo(2, within(1e-9));
    assertThat(PassTime.split(5, 0, new long[] {0, 0, 0, 0, 0}, new long[5])).containsOnly(1.0);
  }

  @Test
  void rssCurveIgnoresWarmUpAndMeasuresDriftAndSlope() {
    List<RssCurve.Sample> flat = new ArrayList<>();
    List<RssCurve.Sample> leaking = new ArrayList<>();
    for (int i = 0; i <= 100; i++) {
      long done = i * 1000L;
      long warmup = i < 10 ? 300 + 50 * i : 800;
      flat.add(new RssCurve.Sample(i, done, warmup + (i % 2), 100));
      leaking.add(new RssCurve.Sample(i, done, i < 10 ? warmup : 800 + (i - 10) * 2, 100));
    }
    RssCurve.Summary f = RssCurve.summarise(flat, 100_000, 0.1);
    assertThat(f.warmRssMib()).isEqualTo(800);
    assertThat(f.spreadPercent()).isLessThan(0.2);
    assertThat(Math.abs(f.mibPer10kImages())).isLessThan(0.1);
    RssCurve.Summary l = RssCurve.summarise(leaking, 100_000, 0.1);
    assertThat(l.lastRssMib()).isEqualTo(980);
    assertThat(l.driftPercent()).isCloseTo(22.5, within(1e-9));
    assertThat(l.mibPer10kImages()).isCloseTo(20, within(1e-6));
    assertThat(l.describe()).contains("drift +22.5%");
  }
}
