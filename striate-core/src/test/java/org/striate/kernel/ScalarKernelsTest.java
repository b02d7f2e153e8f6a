package org.striate.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** GEMM and the element-wise kernels against direct formulas, on awkward sizes and thread counts. */
class ScalarKernelsTest {

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return a;
  }

  /** op(A)[i][p] for a row-major A stored with leading dimension ld. */
  private static double at(float[] a, boolean trans, int ld, int off, int i, int p) {
    return trans ? a[off + p * ld + i] : a[off + i * ld + p];
  }

  @Test
  void gemmMatchesTheDefinitionForEveryTransposeAndLeadingDimension() {
    int[][] sizes = {{1, 1, 1}, {1, 7, 3}, {5, 1, 2}, {3, 17, 1}, {13, 9, 11}, {7, 33, 31}};
    for (int threads = 1; threads <= 3; threads++) {
      try (ScalarKernels k = new ScalarKernels(threads)) {
        for (int[] s : sizes) {
          int m = s[0];
          int n = s[1];
          int kk = s[2];
          for (int variant = 0; variant < 8; variant++) {
            boolean ta = (variant & 1) != 0;
            boolean tb = (variant & 2) != 0;
            boolean acc = (variant & 4) != 0;
            int lda = (ta ? m : kk) + 2;
            int ldb = (tb ? kk : n) + 1;
            int ldc = n + 3;
            int aOff = 3;
            int bOff = 1;
            int cOff = 2;
            float[] a = random(aOff + (ta ? kk : m) * lda, 1);
            float[] b = random(bOff + (tb ? n : kk) * ldb, 2);
            float[] c = random(cOff + m * ldc, 3);
            float[] before = c.clone();
            k.gemm(ta, tb, m, n, kk, a, aOff, lda, b, bOff, ldb, acc, c, cOff, ldc);
            for (int i = 0; i < m; i++) {
              for (int j = 0; j < n; j++) {
                double want = acc ? before[cOff + i * ldc + j] : 0;
                for (int p = 0; p < kk; p++) {
                  want += at(a, ta, lda, aOff, i, p) * at(b, tb, ldb, bOff, p, j);
                }
                assertEquals(want, c[cOff + i * ldc + j], 1e-5 * (1 + Math.abs(want)),
                    "gemm " + m + "x" + n + "x" + kk + " transA=" + ta + " transB=" + tb + " acc=" + acc);
              }
              // Padding columns between rows are never written.
              for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                assertEquals(before[cOff + i * ldc + j], c[cOff + i * ldc + j]);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void pointwiseFunctionsAndDerivatives() {
    float[] x = {-3f, -0.5f, 0f, 0.25f, 4f, -90f, 90f};
    float[] gy = random(x.length, 5);
    try (ScalarKernels k = new ScalarKernels(2)) {
      for (Pointwise f : Pointwise.values()) {
        float[] y = new float[x.length];
        float[] gx = new float[x.length];
        k.pointwiseForward(f, 0.1f, x, y, x.length);
        k.pointwiseBackward(f, 0.1f, x, y, gy, gx, x.length);
        for (int i = 0; i < x.length; i++) {
          double v = x[i];
          double want;
          double slope;
          switch (f) {
            case IDENTITY -> { want = v; slope = 1; }
            case RELU -> { want = Math.max(v, 0); slope = v > 0 ? 1 : 0; }
            case LEAKY_RELU -> { want = v > 0 ? v : 0.1 * v; slope = v > 0 ? 1 : 0.1; }
            case SIGMOID -> { want = 1 / (1 + Math.exp(-v)); slope = want * (1 - want); }
            case TANH -> { want = Math.tanh(v); slope = 1 - want * want; }
            default -> throw new AssertionError(f);
          }
          assertEquals(want, y[i], 1e-6, f + " at " + v);
          assertEquals(slope * gy[i], gx[i], 1e-6, f + "' at " + v);
        }
      }
    }
  }

  @Test
  void softmaxRowsIsStableAndItsBackwardMatchesTheJacobian() {
    int rows = 3;
    int cols = 5;
    float[] x = random(rows * cols, 7);
    x[0] = 1000f;
    x[1] = 999f;
    float[] y = new float[x.length];
    float[] gy = random(x.length, 8);
    float[] gx = new float[x.length];
    try (ScalarKernels k = new ScalarKernels(2)) {
      k.softmaxRows(rows, cols, x, y);
      k.softmaxRowsBackward(rows, cols, y, gy, gx);
    }
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) {
        max = Math.max(max, x[r * cols + j]);
      }
      double sum = 0;
      for (int j = 0; j < cols; j++) {
        sum += Math.exp(x[r * cols + j] - max);
      }
      for (int i = 0; i < cols; i++) {
        double p = Math.exp(x[r * cols + i] - max) / sum;
        assertEquals(p, y[r * cols + i], 1e-6);
        double g = 0;
        for (int j = 0; j < cols; j++) {
          double pj = Math.exp(x[r * cols + j] - max) / sum;
          g += ((i == j ? p : 0) - p * pj) * gy[r * cols + j];
        }
        assertEquals(g, gx[r * cols + i], 1e-6);
      }
    }
  }

  @Test
  void biasAddAndColumnSums() {
    float[] data = {1, 2, 3, 4, 5, 6};
    float[] bias = {10, 20, 30};
    float[] sums = {1, 1, 1};
    try (ScalarKernels k = new ScalarKernels(3)) {
      k.addRowVector(2, 3, bias, data);
      k.sumRowsInto(2, 3, data, sums);
    }
    assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, data);
    assertArrayEquals(new float[] {26, 48, 70}, sums);
  }

  /** The mask the dropout rule gives, computed from the SplitMix64 stream that {@code SplittableRandom} draws. */
  private static float[] expectedMask(long seed, double rate, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    long threshold = Math.round(rate * 4294967296.0);
    float[] mask = new float[n];
    for (int i = 0; i < n; i++) {
      mask[i] = (r.nextLong() >>> 32) >= threshold ? (float) (1 / (1 - rate)) : 0f;
    }
    return mask;
  }

  @Test
  void dropoutFollowsTheRuleOnEveryThreadCount() {
    for (int n : new int[] {0, 1, 17, 100_003}) {
      float[] x = random(n, 5);
      for (double rate : new double[] {0, 0.3, 0.5}) {
        float[] expectedMask = expectedMask(-3, rate, n);
        float[] expectedY = new float[n];
        for (int i = 0; i < n; i++) {
          expectedY[i] = x[i] * expectedMask[i];
        }
        for (int threads = 1; threads <= 3; threads++) {
          String where = "n=" + n + " rate=" + rate + " threads=" + threads;
          try (ScalarKernels k = new ScalarKernels(threads)) {
            float[] mask = new float[n];
            float[] y = new float[n];
            k.dropoutForward(-3, rate, x, mask, y, n);
            assertArrayEquals(expectedMask, mask, where);
            assertArrayEquals(expectedY, y, where);
            float[] inPlace = x.clone();
            k.dropoutForward(-3, rate, inPlace, mask, inPlace, n);
            assertArrayEquals(expectedY, inPlace, where + " in place");
          }
        }
      }
    }
  }

  @Test
  void dropoutDropsTheRateAndDifferentSeedsDropDifferentElements() {
    int n = 1_000_000;
    double rate = 0.3;
    float[] x = new float[n];
    float[][] masks = new float[2][n];
    float[] y = new float[n];
    try (ScalarKernels k = new ScalarKernels(2)) {
      k.dropoutForward(11, rate, x, masks[0], y, n);
      k.dropoutForward(12, rate, x, masks[1], y, n);
    }
    int dropped = 0;
    int differ = 0;
    for (int i = 0; i < n; i++) {
      dropped += masks[0][i] == 0f ? 1 : 0;
      differ += (masks[0][i] == 0f) != (masks[1][i] == 0f) ? 1 : 0;
    }
    // Within 4 standard deviations of a binomial fraction: p = rate, and p = 2 rate (1 - rate) for independent
    // masks disagreeing.
    assertEquals(rate, dropped / (double) n, 4 * Math.sqrt(rate * (1 - rate) / n));
    double p = 2 * rate * (1 - rate);
    assertEquals(p, differ / (double) n, 4 * Math.sqrt(p * (1 - p) / n));
  }
}
