package org.striate.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.kernel.Kernels;
import org.striate.kernel.Parallel;
import org.striate.kernel.ScalarKernels;

/**
 * Vector dropout against {@link ScalarKernels}, bit for bit: lengths either side of the vector length and a large
 * prime, rates whose scale is and is not exact, inputs with 0, -0, infinities and NaN, in place and out of place,
 * on 1, 2 and 3 threads with work split even for tiny sizes.
 */
class VectorDropoutTest {
  private static final ScalarKernels ORACLE = new ScalarKernels(1);
  private static final int[] LENGTHS = {0, 1, 15, 16, 17, 31, 32, 33, 97, 100_003};

  @Test
  void theMaskAndOutputAreTheScalarOnesOnEveryThreadCount() {
    for (int n : LENGTHS) {
      float[] x = VectorElementwiseTest.values(n, 1);
      for (double rate : new double[] {0, 0.3, 0.5, 0.9}) {
        for (long seed : new long[] {1, -123456789L}) {
          float[] expectedMask = new float[n];
          float[] expectedY = new float[n];
          ORACLE.dropoutForward(seed, rate, x, expectedMask, expectedY, n);
          for (int threads = 1; threads <= 3; threads++) {
            String where = "n=" + n + " rate=" + rate + " seed=" + seed + " threads=" + threads;
            try (Parallel parallel = new Parallel(threads)) {
              VectorDropout d = new VectorDropout(parallel, 0);
              float[] mask = VectorConvolutionTest.filled(n, 5f);
              float[] y = VectorConvolutionTest.filled(n, 5f);
              d.forward(seed, rate, x, mask, y, n);
              assertArrayEquals(expectedMask, mask, where);
              assertArrayEquals(expectedY, y, where);
              float[] inPlace = x.clone();
              d.forward(seed, rate, inPlace, mask, inPlace, n);
              assertArrayEquals(expectedY, inPlace, where + " in place");
            }
          }
        }
      }
    }
  }

  @Test
  void theKernelsDropTheScalarMaskWhateverTheThreadCount() {
    // 600_001 is above the parallel threshold, so it is split across threads.
    for (int n : new int[] {1, 17, 100_003, 600_001}) {
      float[] x = VectorElementwiseTest.values(n, 2);
      float[] expectedMask = new float[n];
      float[] expectedY = new float[n];
      ORACLE.dropoutForward(77, 0.3, x, expectedMask, expectedY, n);
      for (int threads = 1; threads <= 3; threads++) {
        try (Kernels v = new VectorKernels(threads)) {
          float[] mask = new float[n];
          float[] y = new float[n];
          v.dropoutForward(77, 0.3, x, mask, y, n);
          assertArrayEquals(expectedMask, mask, "n=" + n + " threads=" + threads);
          assertArrayEquals(expectedY, y, "n=" + n + " threads=" + threads);
        }
      }
    }
    assertTrue(600_001 >= VectorDropout.MIN_PARALLEL_ELEMENTS, "the largest length must be split");
  }

  @Test
  void theBackwardPassIsTheScalarProductWithTheMask() {
    // 600_001 is above the parallel threshold of both kernels, so it is split across threads.
    for (int n : new int[] {0, 1, 15, 16, 17, 33, 100_003, 600_001}) {
      float[] gradY = VectorElementwiseTest.values(n, 3);
      float[] mask = new float[n];
      ORACLE.dropoutForward(5, 0.4, VectorElementwiseTest.values(n, 4), mask, new float[n], n);
      float[] expected = VectorConvolutionTest.filled(n, 7f);
      ORACLE.dropoutBackward(mask, gradY, expected, n);
      for (int i = 0; i < n; i++) {
        assertEquals(Float.floatToIntBits(gradY[i] * mask[i]), Float.floatToIntBits(expected[i]), "scalar at " + i);
      }
      for (int threads = 1; threads <= 3; threads++) {
        String where = "n=" + n + " threads=" + threads;
        try (Kernels v = new VectorKernels(threads); Parallel parallel = new Parallel(threads)) {
          float[] gradX = VectorConvolutionTest.filled(n, 7f);
          v.dropoutBackward(mask, gradY, gradX, n);
          assertArrayEquals(expected, gradX, where);
          float[] split = VectorConvolutionTest.filled(n, 7f);
          new VectorDropout(parallel, 0).backward(mask, gradY, split, n);
          assertArrayEquals(expected, split, where + " split even when small");
          float[] inPlace = gradY.clone();
          v.dropoutBackward(mask, inPlace, inPlace, n);
          assertArrayEquals(expected, inPlace, where + " in place");
        }
      }
    }
  }

  @Test
  void rejectsRatesOutsideZeroToOne() {
    try (Kernels v = new VectorKernels(1)) {
      float[] a = new float[4];
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> v.dropoutForward(1, 1.0, a, a.clone(), a.clone(), 4));
      assertEquals("dropoutForward: rate must be in [0, 1), got 1.0", e.getMessage());
    }
  }
}
