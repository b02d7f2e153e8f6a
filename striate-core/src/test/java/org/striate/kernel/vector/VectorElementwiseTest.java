package org.striate.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.kernel.Kernels;
import org.striate.kernel.Parallel;
import org.striate.kernel.Pointwise;
import org.striate.kernel.ScalarKernels;

/**
 * The vector element-wise kernels against {@link ScalarKernels}, bit for bit, on lengths either side of the
 * vector length (and zero), values that include 0, -0, infinities and NaN, in place and out of place, on 1, 2
 * and 3 threads with work split even for tiny sizes.
 */
class VectorElementwiseTest {
  private static final ScalarKernels ORACLE = new ScalarKernels(1);
  private static final int[] LENGTHS = {0, 1, 7, 15, 16, 17, 31, 32, 33, 100};

  /** Random values in [-2, 2) with the special values sprinkled in. */
  static float[] values(int n, long seed) {
    float[] x = VectorConvolutionTest.random(n, seed);
    float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-40f, -1e-40f};
    for (int i = (int) (seed % 5); i < n; i += 5) {
      x[i] = special[(i / 5) % special.length];
    }
    return x;
  }

  @Test
  void pointwiseFunctionsAndDerivativesAreTheScalarOnes() {
    for (int n : LENGTHS) {
      float[] x = values(n, 1);
      float[] gradY = values(n, 2);
      for (Pointwise f : Pointwise.values()) {
        float[] y = new float[n];
        ORACLE.pointwiseForward(f, 0.2f, x, y, n);
        float[] expectedGrad = new float[n];
        ORACLE.pointwiseBackward(f, 0.2f, x, y, gradY, expectedGrad, n);
        for (int threads = 1; threads <= 3; threads++) {
          String where = f + " n=" + n + " threads=" + threads;
          try (Parallel parallel = new Parallel(threads)) {
            VectorElementwise e = new VectorElementwise(parallel, 0);
            if (VectorElementwise.vectorizes(f)) {
              float[] out = VectorConvolutionTest.filled(n, 5f);
              e.forward(f, 0.2f, x, out, n);
              assertArrayEquals(y, out, where);
              float[] inPlace = x.clone();
              e.forward(f, 0.2f, inPlace, inPlace, n);
              assertArrayEquals(y, inPlace, where + " in place");
            }
            float[] grad = VectorConvolutionTest.filled(n, 5f);
            e.backward(f, 0.2f, x, y, gradY, grad, n);
            assertArrayEquals(expectedGrad, grad, where + "'");
            float[] gradInPlace = gradY.clone();
            e.backward(f, 0.2f, x, y, gradInPlace, gradInPlace, n);
            assertArrayEquals(expectedGrad, gradInPlace, where + "' in place");
          }
        }
      }
    }
    assertTrue(VectorElementwise.vectorizes(Pointwise.RELU));
    assertFalse(VectorElementwise.vectorizes(Pointwise.SIGMOID), "exp-based functions stay scalar");
  }

  @Test
  void theDerivativeFromTheOutputEqualsTheOneFromTheInput() {
    // Pointwise documents that y may stand in for x when alpha >= 0: the fused convolution relies on it.
    float[] x = values(100, 3);
    float[] gradY = values(100, 4);
    for (Pointwise f : Pointwise.values()) {
      for (float alpha : new float[] {0f, 0.2f, 1f}) {
        float[] y = new float[x.length];
        ORACLE.pointwiseForward(f, alpha, x, y, x.length);
        float[] fromX = new float[x.length];
        float[] fromY = new float[x.length];
        ORACLE.pointwiseBackward(f, alpha, x, y, gradY, fromX, x.length);
        ORACLE.pointwiseBackward(f, alpha, y, y, gradY, fromY, x.length);
        assertArrayEquals(fromX, fromY, f + " alpha=" + alpha);
      }
    }
  }

  @Test
  void rowVectorsAndRowSumsAreTheScalarOnes() {
    for (int rows : new int[] {1, 3, 17}) {
      for (int cols : LENGTHS) {
        float[] data = values(rows * cols, 5);
        float[] bias = values(cols, 6);
        float[] expectedAdded = data.clone();
        ORACLE.addRowVector(rows, cols, bias, expectedAdded);
        float[] expectedSums = bias.clone();
        ORACLE.sumRowsInto(rows, cols, data, expectedSums);
        for (int threads = 1; threads <= 3; threads++) {
          String where = rows + "x" + cols + " threads=" + threads;
          try (Parallel parallel = new Parallel(threads)) {
            VectorElementwise e = new VectorElementwise(parallel, 0);
            float[] added = data.clone();
            e.addRowVector(rows, cols, bias, added);
            assertArrayEquals(expectedAdded, added, where + " addRowVector");
            float[] sums = bias.clone();
            e.sumRowsInto(rows, cols, data, sums);
            assertArrayEquals(expectedSums, sums, where + " sumRowsInto");
          }
        }
      }
    }
  }

  @Test
  void theKernelsUseTheVectorCodeAndFallBackForTheRest() {
    int n = 100_000; // above the parallel threshold
    float[] x = values(n, 7);
    float[] gradY = values(n, 8);
    try (Kernels v = new VectorKernels(2)) {
      for (Pointwise f : Pointwise.values()) {
        float[] expected = new float[n];
        float[] actual = new float[n];
        ORACLE.pointwiseForward(f, 0.2f, x, expected, n);
        v.pointwiseForward(f, 0.2f, x, actual, n);
        assertArrayEquals(expected, actual, f.toString());
        float[] expectedGrad = new float[n];
        float[] actualGrad = new float[n];
        ORACLE.pointwiseBackward(f, 0.2f, x, expected, gradY, expectedGrad, n);
        v.pointwiseBackward(f, 0.2f, x, expected, gradY, actualGrad, n);
        assertArrayEquals(expectedGrad, actualGrad, f + "'");
      }
    }
  }
}
