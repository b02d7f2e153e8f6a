package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class InitializerTest {

  @Test
  void fansFollowKeras() {
    assertArrayEquals(new int[] {784, 10}, Initializer.fans(Shape.of(784, 10)));
    assertArrayEquals(new int[] {3 * 3 * 32, 3 * 3 * 64}, Initializer.fans(Shape.of(3, 3, 32, 64)));
    assertArrayEquals(new int[] {5, 5}, Initializer.fans(Shape.of(5)));
  }

  private static double[] meanAndStd(Tensor t) {
    double sum = 0;
    double sq = 0;
    for (float v : t.data()) {
      sum += v;
      sq += (double) v * v;
    }
    double mean = sum / t.size();
    return new double[] {mean, Math.sqrt(sq / t.size() - mean * mean)};
  }

  @Test
  void glorotUniformStaysWithinItsLimitAndHasItsVariance() {
    Tensor t = Tensor.zeros(Shape.of(3, 3, 32, 64));
    Initializer.GLOROT_UNIFORM.fill(t, new SplittableRandom(1));
    double limit = Math.sqrt(6.0 / (288 + 576));
    double max = 0;
    for (float v : t.data()) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= limit && max > 0.99 * limit, "max |w| " + max + " vs limit " + limit);
    assertEquals(limit / Math.sqrt(3), meanAndStd(t)[1], 0.02 * limit);
  }

  @Test
  void heNormalHasTheRequestedStdDevAfterTruncation() {
    Tensor t = Tensor.zeros(Shape.of(400, 300));
    Initializer.HE_NORMAL.fill(t, new SplittableRandom(2));
    double std = Math.sqrt(2.0 / 400);
    double[] ms = meanAndStd(t);
    assertEquals(0, ms[0], 0.01 * std);
    assertEquals(std, ms[1], 0.02 * std);
    double bound = 2 * std / 0.87962566103423978;
    for (float v : t.data()) {
      assertTrue(Math.abs(v) <= bound + 1e-6, "truncated at two (adjusted) standard deviations: " + v);
    }
  }

  @Test
  void heUniformAndGlorotNormalScales() {
    Tensor u = Tensor.zeros(Shape.of(500, 200));
    Initializer.HE_UNIFORM.fill(u, new SplittableRandom(3));
    assertEquals(Math.sqrt(6.0 / 500) / Math.sqrt(3), meanAndStd(u)[1], 0.002);
    Tensor g = Tensor.zeros(Shape.of(500, 200));
    Initializer.GLOROT_NORMAL.fill(g, new SplittableRandom(4));
    assertEquals(Math.sqrt(2.0 / 700), meanAndStd(g)[1], 0.002);
  }

  @Test
  void constantsAndSeeds() {
    Tensor t = Tensor.zeros(Shape.of(4));
    Initializer.ONES.fill(t, new SplittableRandom(0));
    assertArrayEquals(new float[] {1, 1, 1, 1}, t.data());
    Initializer.ZEROS.fill(t, new SplittableRandom(0));
    assertArrayEquals(new float[4], t.data());
    Tensor a = Tensor.zeros(Shape.of(10, 10));
    Tensor b = Tensor.zeros(Shape.of(10, 10));
    Initializer.GLOROT_UNIFORM.fill(a, new SplittableRandom(9));
    Initializer.GLOROT_UNIFORM.fill(b, new SplittableRandom(9));
    assertArrayEquals(a.data(), b.data());
  }

  @Test
  void parsesKerasNames() {
    assertEquals(Initializer.HE_NORMAL, Initializer.parse("he_normal"));
    assertEquals("initializer must be one of zeros, ones, glorot_uniform, glorot_normal, he_normal, he_uniform, "
        + "got 'xavier'", assertThrows(IllegalArgumentException.class, () -> Initializer.parse("xavier")).getMessage());
  }
}
