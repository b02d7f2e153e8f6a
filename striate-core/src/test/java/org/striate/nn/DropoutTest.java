package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class DropoutTest {
  private static final Kernels KERNELS = new ScalarKernels(1);

  private static Dropout built(double rate, Shape example) {
    Dropout d = new Dropout(rate);
    new Sequential(example, d);
    return d;
  }

  /** Values that are never zero, so every zero in the output was dropped. */
  private static Tensor nonZero(int n) {
    Tensor t = Tensor.zeros(n);
    for (int i = 0; i < n; i++) {
      t.data()[i] = (i % 2 == 0 ? 1 : -1) * (1 + (i % 7) * 0.125f);
    }
    return t.reshape(Shape.of(1, n));
  }

  @Test
  void inferenceReturnsTheInput() {
    Dropout d = built(0.5, Shape.of(4));
    Tensor x = GradientCheck.random(Shape.of(3, 4), 1);
    Tensor y = d.forward(x, Context.inference(KERNELS));
    assertSame(x, y);
  }

  /**
   * Drops {@code n} non-zero values at {@code rate}; checks that the fraction of zeros is within
   * {@code tolerance} of {@code rate} and that each kept value is {@code x / (1 - rate)} to within a float ulp.
   */
  private static void assertDropsAndScales(double rate, int n, double tolerance) {
    Dropout d = built(rate, Shape.of(n));
    Tensor x = nonZero(n);
    Tensor y = d.forward(x, Context.training(KERNELS, 3));
    int zeros = 0;
    for (int i = 0; i < n; i++) {
      if (y.data()[i] == 0f) {
        zeros++;
      } else {
        double expected = x.data()[i] / (1 - rate);
        assertEquals(expected, y.data()[i], Math.ulp((float) expected), "element " + i);
      }
    }
    assertEquals(rate, zeros / (double) n, tolerance);
  }

  @Test
  void trainingDropsAboutRateAndScalesTheRest() {
    // The standard deviation of the fraction is sqrt(rate (1 - rate) / n), 0.0014 and 0.0046 here.
    assertDropsAndScales(0.75, 100_000, 0.01);
    assertDropsAndScales(0.3, 10_000, 0.03);
  }

  @Test
  void keptValuesAreExactWhenTheScaleIsExact() {
    Dropout d = built(0.75, Shape.of(1000));
    Tensor x = nonZero(1000);
    Tensor y = d.forward(x, Context.training(KERNELS, 4));
    for (int i = 0; i < 1000; i++) {
      // 1 / (1 - 0.75) = 4 is exact in float, so nothing may be lost to rounding.
      assertTrue(y.data()[i] == 0f || y.data()[i] == x.data()[i] * 4f, "element " + i);
    }
  }

  @Test
  void theSeedFixesTheMask() {
    Dropout d = built(0.5, Shape.of(64));
    Tensor x = nonZero(64);
    float[] a = d.forward(x, Context.training(KERNELS, 7)).data();
    float[] b = d.forward(x, Context.training(KERNELS, 7)).data();
    float[] c = d.forward(x, Context.training(KERNELS, 8)).data();
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
  }

  @Test
  void theMaskIsTheKernelsMaskForOneLongOfTheStepsStream() {
    Dropout d = built(0.3, Shape.of(100));
    Tensor x = nonZero(100);
    float[] y = d.forward(x, Context.training(KERNELS, 5)).data();
    float[] mask = new float[100];
    float[] expected = new float[100];
    KERNELS.dropoutForward(new SplittableRandom(5).nextLong(), 0.3, x.data(), mask, expected, 100);
    assertArrayEquals(expected, y);
  }

  @Test
  void twoDropoutsInOneStepDropDifferentElements() {
    Dropout first = new Dropout(0.5);
    Dropout second = new Dropout(0.5);
    new Sequential(Shape.of(64), first, second);
    Context ctx = Context.training(KERNELS, 7);
    Tensor x = nonZero(64);
    float[] a = first.forward(x, ctx).data().clone();
    float[] b = second.forward(x, ctx).data();
    assertFalse(Arrays.equals(a, b));
  }

  @Test
  void backwardUsesTheForwardMask() {
    Dropout d = built(0.5, Shape.of(50));
    Context ctx = Context.training(KERNELS, 9);
    Tensor y = d.forward(nonZero(50), ctx);
    Tensor ones = Tensor.zeros(1, 50);
    Arrays.fill(ones.data(), 1f);
    Tensor g = d.backward(ones, ctx);
    for (int i = 0; i < 50; i++) {
      assertEquals(y.data()[i] == 0f ? 0f : 2f, g.data()[i]);
    }
  }

  @Test
  void rateZeroIsTheIdentityInTraining() {
    Dropout d = built(0, Shape.of(8));
    Tensor x = nonZero(8);
    Context ctx = Context.training(KERNELS, 1);
    assertSame(x, d.forward(x, ctx));
    assertSame(x, d.backward(x, ctx));
  }

  @Test
  void gradients() {
    GradientCheck.check(new Dropout(0.4), GradientCheck.random(Shape.of(3, 2, 5), 6));
  }

  @Test
  void outputShapeIsTheInputShape() {
    assertEquals(Shape.of(4, 4, 2), new Sequential(Shape.of(4, 4, 2), new Dropout(0.2)).outputShape());
  }

  @Test
  void rejectsRatesOutsideZeroToOne() {
    String rule = "Dropout: rate must be in [0, 1) (rate 1 would drop everything and scale the kept values by"
        + " 1 / (1 - rate), a division by zero), got ";
    assertEquals(rule + "1.0", assertThrows(IllegalArgumentException.class, () -> new Dropout(1)).getMessage());
    assertEquals(rule + "-0.1", assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1)).getMessage());
    assertEquals(rule + "NaN", assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN)).getMessage());
  }

  @Test
  void configRoundTrips() {
    Dropout d = new Dropout(0.25, "drop");
    Layer back = Layers.fromConfig(d.config());
    assertEquals(d.config(), back.config());
    assertEquals(0.25, ((Dropout) back).rate());
  }
}
