package org.striate.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The dropout rule: SplitMix64's hash, the threshold, the mask it gives and the rates it accepts. */
class DropoutMaskTest {

  @Test
  void theHashOfElementIIsTheIthLongOfASplittableRandomWithTheSeed() {
    // SplittableRandom(seed) adds the golden gamma to its state, then mixes: the same SplitMix64 stream.
    for (long seed : new long[] {0, 1, -7, Long.MAX_VALUE, 0x123456789ABCDEFL}) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < 1000; i++) {
        assertEquals(r.nextLong(), DropoutMask.hash(seed, i), "seed " + seed + " element " + i);
      }
    }
  }

  @Test
  void theThresholdIsTheRateTimesTwoToThe32Rounded() {
    assertEquals(0L, DropoutMask.threshold(0));
    assertEquals(1L << 31, DropoutMask.threshold(0.5));
    assertEquals(3L << 30, DropoutMask.threshold(0.75));
    assertEquals(1288490189L, DropoutMask.threshold(0.3)); // 0.3 * 2^32 = 1288490188.8
    assertEquals(1L, DropoutMask.threshold(0x1p-32));
    assertEquals(0L, DropoutMask.threshold(0x1p-34));
    assertEquals(1L << 32, DropoutMask.threshold(Math.nextDown(1.0)), "rounds up to dropping everything");
    assertEquals(2f, DropoutMask.scale(0.5));
    assertEquals((float) (1 / 0.7), DropoutMask.scale(0.3));
  }

  @Test
  void applyKeepsTheElementsWhoseHashIsAtLeastTheThreshold() {
    int n = 1000;
    long seed = 42;
    long threshold = DropoutMask.threshold(0.3);
    float scale = DropoutMask.scale(0.3);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i - 500.5f;
    }
    float[] mask = new float[n];
    float[] y = new float[n];
    // Two pieces, the second starting mid-stream, as a thread would run it.
    DropoutMask.apply(seed, threshold, scale, x, mask, y, 0, 337);
    DropoutMask.apply(seed, threshold, scale, x, mask, y, 337, n);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      float expected = (r.nextLong() >>> 32) >= threshold ? scale : 0f;
      assertEquals(expected, mask[i], "mask " + i);
      assertEquals(x[i] * expected, y[i], "y " + i);
    }
  }

  @Test
  void rejectsRatesOutsideZeroToOne() {
    for (double rate : new double[] {1, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DropoutMask.threshold(rate));
      assertEquals("dropoutForward: rate must be in [0, 1), got " + rate, e.getMessage());
    }
  }
}
